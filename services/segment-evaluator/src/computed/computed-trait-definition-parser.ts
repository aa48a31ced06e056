import { jsonPointer } from '@tessera/config';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  computedTraitDefinitionSchema,
  DEFAULT_MAX_WINDOW_DAYS,
  MONEY_PROPERTIES,
  NUMERIC_AGGREGATES,
  type ComputedTraitDefinition,
} from './computed-trait-definition';

/** One problem, with the JSON Pointer of the offending value (`/window/days`, as every 400 names its fields), for a 400. */
export type DefinitionError = { path: string; message: string };
export type DefinitionParseResult = { ok: true; definition: ComputedTraitDefinition } | { ok: false; errors: DefinitionError[] };

/**
 * Validates admin-API JSON into a definition. Pure: the controller turns `errors` into its 400 (e.g. with
 * service-kit's BadRequestException shape); nothing here knows about HTTP.
 */
export class ComputedTraitDefinitionParser {
  private readonly validate: ValidateFunction;

  constructor(maxWindowDays: number = DEFAULT_MAX_WINDOW_DAYS) {
    this.validate = new Ajv({ allErrors: true, strict: true }).compile(computedTraitDefinitionSchema(maxWindowDays));
  }

  parse(json: unknown): DefinitionParseResult {
    if (!this.validate(json)) return { ok: false, errors: readableErrors(this.validate.errors ?? []) };
    const definition = json as ComputedTraitDefinition;
    if (NUMERIC_AGGREGATES.has(definition.aggregate) && MONEY_PROPERTIES.has(definition.property ?? '') && !definition.currency)
      return {
        ok: false,
        errors: [
          {
            path: '/currency',
            message: `is required for a ${definition.aggregate} of ${definition.property}: orders in different currencies cannot be added up, so name one ("currency": "EUR" counts only orders in euros); revenue_total is the lifetime value across currencies`,
          },
        ],
      };
    return { ok: true, definition };
  }
}

/**
 * ajv reports a failed `if`/`then` or `oneOf` both as the wrapper ("must match then schema") and as the branch's own
 * errors; the wrappers say nothing a reader can act on, so only the leaf errors are kept, at the path they name,
 * and of errors on a value and inside it, the inner ones.
 */
function readableErrors(errors: ErrorObject[]): DefinitionError[] {
  const out: DefinitionError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'oneOf') continue;
    const error = toDefinitionError(e);
    const id = `${error.path} ${error.message}`;
    if (!seen.has(id)) out.push(error);
    seen.add(id);
  }
  // A `oneOf` branch that failed on its type ("ever" vs an object) is noise beside a deeper error in the other branch.
  return out.filter((error) => !out.some((other) => other.path.startsWith(`${error.path}/`)));
}

function toDefinitionError(e: ErrorObject): DefinitionError {
  if (e.keyword === 'required') return { path: jsonPointer(e.instancePath, String(e.params.missingProperty)), message: 'is required' };
  if (e.keyword === 'additionalProperties')
    return { path: jsonPointer(e.instancePath, String(e.params.additionalProperty)), message: 'is not allowed' };
  if (e.keyword === 'false schema' && e.instancePath === '/property')
    return { path: '/property', message: 'is not allowed with aggregate "count"' };
  if (e.keyword === 'const' && e.instancePath === '/window') return { path: '/window', message: 'must be "ever" or {"days": N}' };
  if (e.keyword === 'type' && e.instancePath === '/window') return { path: '/window', message: 'must be "ever" or {"days": N}' };
  return { path: e.instancePath, message: e.message ?? 'is invalid' };
}
