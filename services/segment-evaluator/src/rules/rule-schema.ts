import { jsonPointer } from '@tessera/config';
import { isProfileValueName, unknownProfileValueMessage } from '@tessera/contracts';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { PREDICTION_NAMES } from '../computed/prediction-names';
import type { Rule } from './rule';

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; message: string; path: string };

const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
const name = { type: 'string', minLength: 1, maxLength: 200 };
const days = { type: 'number', minimum: 0, maximum: 36_500 };
const signedDays = { type: 'number', minimum: -36_500, maximum: 36_500 };
const comparisonOps = ['eq', 'neq', 'in', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists'];
const children = { type: 'array', minItems: 1, maxItems: 100 };

/** A relative date: `days` for the one-sided forms, `from` <= `to` for betweenDaysFromNow. */
const relativeDate = {
  type: 'object',
  required: ['op'],
  properties: {
    op: { enum: ['withinNextDays', 'withinLastDays', 'moreThanDaysAgo', 'betweenDaysFromNow'] },
    days,
    from: signedDays,
    to: signedDays,
  },
  additionalProperties: false,
  if: { properties: { op: { const: 'betweenDaysFromNow' } } },
  then: { required: ['from', 'to'], not: { required: ['days'] } },
  else: { required: ['days'], not: { anyOf: [{ required: ['from'] }, { required: ['to'] }] } },
};

/** A comparison: `value` is required except for exists (a boolean there), an array for `in`. */
const comparisonRules = {
  allOf: [
    {
      if: { properties: { op: { const: 'exists' } } },
      then: { properties: { value: { type: 'boolean' } } },
      else: { required: ['value'] },
    },
    { if: { properties: { op: { const: 'in' } } }, then: { properties: { value: { type: 'array', maxItems: 1000 } } } },
    { if: { properties: { op: { enum: ['gt', 'gte', 'lt', 'lte'] } } }, then: { properties: { value: { type: ['number', 'string'] } } } },
  ],
};

const propertyFilter = {
  type: 'object',
  required: ['property', 'op'],
  properties: { property: name, op: { enum: comparisonOps }, value: {} },
  additionalProperties: false,
  ...comparisonRules,
};

const count = { type: 'integer', minimum: 0 };

/** One schema per node kind, without its child rules (those are checked recursively with their own path). */
const NODE_SCHEMAS: Record<string, ValidateFunction> = {
  all: ajv.compile({ type: 'object', required: ['all'], properties: { all: children }, additionalProperties: false }),
  any: ajv.compile({ type: 'object', required: ['any'], properties: { any: children }, additionalProperties: false }),
  not: ajv.compile({ type: 'object', required: ['not'], properties: { not: { type: 'object' } }, additionalProperties: false }),
  trait: ajv.compile({
    type: 'object',
    required: ['trait', 'op'],
    properties: {
      trait: name,
      op: { enum: [...comparisonOps, ...relativeDate.properties.op.enum] },
      value: {},
      days,
      from: signedDays,
      to: signedDays,
    },
    additionalProperties: false,
    if: { properties: { op: { enum: relativeDate.properties.op.enum } } },
    then: { ...relativeDate, properties: { ...relativeDate.properties, trait: name } },
    else: { not: { anyOf: [{ required: ['days'] }, { required: ['from'] }, { required: ['to'] }] }, ...comparisonRules },
  }),
  event: ajv.compile({
    type: 'object',
    required: ['event'],
    properties: {
      event: name,
      where: { type: 'array', items: propertyFilter, maxItems: 50 },
      atLeast: count,
      atMost: count,
      exactly: count,
      inLastDays: { type: 'number', exclusiveMinimum: 0, maximum: 36_500 },
      firstDone: relativeDate,
      lastDone: relativeDate,
    },
    additionalProperties: false,
    // a count condition or one first/last-done condition, not both
    oneOf: [
      { not: { anyOf: [{ required: ['firstDone'] }, { required: ['lastDone'] }] } },
      {
        required: ['firstDone'],
        not: {
          anyOf: [
            { required: ['lastDone'] },
            { required: ['atLeast'] },
            { required: ['atMost'] },
            { required: ['exactly'] },
            { required: ['inLastDays'] },
          ],
        },
      },
      {
        required: ['lastDone'],
        not: {
          anyOf: [
            { required: ['firstDone'] },
            { required: ['atLeast'] },
            { required: ['atMost'] },
            { required: ['exactly'] },
            { required: ['inLastDays'] },
          ],
        },
      },
    ],
  }),
  consent: ajv.compile({
    type: 'object',
    required: ['consent', 'is'],
    properties: { consent: name, is: { enum: ['granted', 'denied'] } },
    additionalProperties: false,
  }),
  computed: ajv.compile({
    type: 'object',
    required: ['computed', 'op'],
    properties: { computed: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' }, op: { enum: comparisonOps }, value: {} },
    additionalProperties: false,
    ...comparisonRules,
  }),
  prediction: ajv.compile({
    type: 'object',
    required: ['prediction', 'op'],
    properties: { prediction: { enum: [...PREDICTION_NAMES] }, op: { enum: comparisonOps }, value: {} },
    additionalProperties: false,
    ...comparisonRules,
  }),
  segment: ajv.compile({ type: 'object', required: ['segment'], properties: { segment: name }, additionalProperties: false }),
};

const KINDS = Object.keys(NODE_SCHEMAS);
const MAX_DEPTH = 32;

/**
 * Validates a rule tree. The answer names the JSON Pointer of the offending value under `at` (the rule's own pointer
 * in the request body, e.g. `/rule`, giving `/rule/all/1/where/0/op`) and what is wrong, so the API can answer 400
 * with both. Per node kind rather than one recursive oneOf: a oneOf over seven kinds reports every branch's
 * complaint, and a user wants the one about the kind they meant.
 */
export function validateRule(input: unknown, at = ''): RuleValidation {
  const problem = check(input, at, 0);
  return problem ? { ok: false, ...problem } : { ok: true, rule: input as Rule };
}

function check(node: unknown, path: string, depth: number): { message: string; path: string } | null {
  if (depth > MAX_DEPTH) return { path, message: `is nested deeper than ${MAX_DEPTH} levels` };
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    return { path, message: 'must be an object (a combinator or a condition)' };
  const kind = KINDS.find((k) => Object.hasOwn(node, k));
  if (!kind) return { path, message: `must have one of the keys ${KINDS.join(', ')}` };
  const validate = NODE_SCHEMAS[kind];
  if (!validate(node)) return describe(validate.errors ?? [], path);
  const record = node as Record<string, unknown>;
  if (kind === 'event' && typeof record.atMost === 'number' && typeof record.atLeast === 'number' && record.atMost < record.atLeast) {
    return { path: `${path}/atMost`, message: 'must be at least atLeast' };
  }
  if (kind === 'trait' && !isProfileValueName(record.trait as string))
    return { path: `${path}/trait`, message: unknownProfileValueMessage(record.trait as string) };
  if (kind === 'trait' || kind === 'event') {
    const dates =
      kind === 'trait'
        ? [[record, path] as const]
        : (['firstDone', 'lastDone'] as const)
            .filter((k) => record[k])
            .map((k) => [record[k] as Record<string, unknown>, `${path}/${k}`] as const);
    for (const [date, at] of dates) {
      if (date.op === 'betweenDaysFromNow' && (date.from as number) > (date.to as number))
        return { path: `${at}/from`, message: 'must not be greater than to' };
    }
  }
  if (kind === 'all' || kind === 'any') {
    const list = record[kind] as unknown[];
    for (let i = 0; i < list.length; i++) {
      const problem = check(list[i], `${path}/${kind}/${i}`, depth + 1);
      if (problem) return problem;
    }
  }
  if (kind === 'not') return check(record.not, `${path}/not`, depth + 1);
  return null;
}

/** The most specific ajv error, at its JSON Pointer under `base`, and a message; oneOf/if noise is dropped. */
function describe(errors: ErrorObject[], base: string): { message: string; path: string } {
  const useful = errors.filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword));
  // an unknown operator explains the rest (a missing value, say), so it is named first
  const error = useful.find((e) => e.keyword === 'enum') ?? useful[0] ?? errors[0];
  const path = base + (error?.instancePath ?? '');
  if (!error) return { path, message: 'is invalid' };
  if (error.keyword === 'additionalProperties')
    return { path: jsonPointer(path, String(error.params.additionalProperty)), message: 'is not a known key here' };
  if (error.keyword === 'required') return { path: jsonPointer(path, String(error.params.missingProperty)), message: 'is required' };
  if (error.keyword === 'not' || error.keyword === 'oneOf')
    return { path, message: 'combines keys that cannot go together (a count, or one of firstDone / lastDone; days, or from and to)' };
  if (error.keyword === 'enum') return { path, message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
  return { path, message: error.message ?? 'is invalid' };
}
