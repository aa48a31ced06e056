import { BadRequestException } from '@nestjs/common';
import { jsonPointer } from '@tessera/config';
import Ajv, { type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';

// The first violation is what a sender needs, and the hot ingest path stops at it; admin bodies are small.
// strictRequired off: `anyOf: [{ required: ['a'] }, { required: ['b'] }]` names properties declared beside it.
const firstError = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
const everyError = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });

export interface SchemaViolation {
  /** JSON Pointer into the body, e.g. "/records/3/mapping/email". */
  path: string;
  message: string;
}

export interface JsonBodyValidatorOptions {
  /** List every violation instead of stopping at the first (default true). */
  allErrors?: boolean;
}

/**
 * Every JSON-schema-checked request body: a mismatch is a 400 `{ message, details: [{ path, message }] }` whose
 * paths are JSON Pointers into the body and whose message names the first, e.g. "body/records/3/userId must be
 * string". It is the ingest API's shape (public, used by SDK users), and the admin APIs share it so that a client
 * reads one error shape from every service.
 */
export class JsonBodyValidator<T> {
  private readonly validate: ValidateFunction<T>;

  constructor(schema: JSONSchemaType<T> | object, options: JsonBodyValidatorOptions = {}) {
    this.validate = (options.allErrors === false ? firstError : everyError).compile<T>(schema as JSONSchemaType<T>);
  }

  /** Returns the body typed, or throws BadRequestException with `details: SchemaViolation[]`. */
  parse(body: unknown): T {
    if (this.validate(body)) return body;
    throw invalidBody(mostSpecific((this.validate.errors ?? []).map(toViolation)));
  }
}

/**
 * The 400 of a body that fails a check, the schema's or one of a service's own (a rule, a mapping, a reference):
 * `details` as given, and a message naming the first (`body/rule/all/1/op must be one of ...`) unless one is given.
 */
export function invalidBody(details: SchemaViolation[], message?: string): BadRequestException {
  const first = details[0];
  return new BadRequestException({ message: message ?? (first ? `body${first.path} ${first.message}` : 'body is invalid'), details });
}

interface KeyedViolation extends SchemaViolation {
  keyword: string;
  /** The schema path up to the anyOf branch it failed in (`#/anyOf/2`), if any. */
  branch?: string;
}

/**
 * An anyOf that fails reports every branch's error plus its own summary; what helps the sender is the branch that
 * got furthest: the deepest path, and a branch whose type matched over one that failed on type (a mapping entry
 * `{ "to": "x", "cast": "uuid" }` is about `cast`, not "must be string"). Failures of several branches at one path
 * are joined ("must match pattern A or must match pattern B"). Without an anyOf failure this is the identity.
 */
function mostSpecific(violations: KeyedViolation[]): SchemaViolation[] {
  if (violations.length <= 1 || !violations.some((v) => v.keyword === 'anyOf'))
    return violations.map(({ path, message }) => ({ path, message }));
  let kept = violations.filter((v) => v.keyword !== 'anyOf');
  if (kept.some((v) => v.keyword !== 'type')) kept = kept.filter((v) => v.keyword !== 'type');
  if (kept.length === 0) kept = violations;
  const alternatives = missingAlternatives(kept);
  if (alternatives) return [alternatives];
  const depth = (path: string) => path.split('/').length;
  const byPath = new Map<string, string[]>();
  for (const v of [...kept].sort((a, b) => depth(b.path) - depth(a.path))) {
    const messages = byPath.get(v.path) ?? [];
    if (!messages.includes(v.message)) messages.push(v.message);
    byPath.set(v.path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join(' or ') }));
}

/**
 * Branches that each ask for one property of the same object (`anyOf: [{ required: ['ids'] }, { required: ['sourceId'] }]`)
 * failed together: the sender needs one of them, not to be told that every one "is required".
 */
function missingAlternatives(kept: KeyedViolation[]): SchemaViolation | undefined {
  if (kept.length < 2 || kept.some((v) => v.keyword !== 'required' || v.branch === undefined)) return undefined;
  if (new Set(kept.map((v) => v.branch)).size !== kept.length) return undefined; // a branch asks for several
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/'));
  const parent = parentOf(kept[0].path);
  if (kept.some((v) => parentOf(v.path) !== parent)) return undefined;
  const names = kept.map((v) =>
    v.path
      .slice(parent.length + 1)
      .replace(/~1/g, '/')
      .replace(/~0/g, '~'),
  );
  return { path: parent, message: `must have one of ${names.join(', ')}` };
}

function toViolation(error: ErrorObject): KeyedViolation {
  let path = error.instancePath;
  if (error.keyword === 'additionalProperties') path = jsonPointer(path, String(error.params.additionalProperty));
  if (error.keyword === 'required') path = jsonPointer(path, String(error.params.missingProperty));
  const branch = /^(.*\/anyOf\/\d+)\/required$/.exec(error.schemaPath)?.[1];
  return { path, message: messageOf(error), keyword: error.keyword, branch };
}

/** Ajv's enum and const messages ("must be equal to one of the allowed values") leave the sender guessing what those are. */
function messageOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(error.params.allowedValue)}`;
  return error.message ?? 'is invalid';
}
