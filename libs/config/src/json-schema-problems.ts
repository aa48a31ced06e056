import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One thing wrong with a JSON document, at a JSON Pointer (`/auth/token`): what a 400 body or a check lists. */
export interface JsonSchemaProblem {
  path: string;
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// `secret: true` marks a setting as a secret (as Airbyte's `airbyte_secret`); strict ajv refuses unknown keywords otherwise.
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

/** Compiles a settings schema (destinations, connectors) with formats and the `secret` annotation. */
export function compileJsonSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** Every problem ajv found, each at a JSON Pointer under `base` (e.g. "" for the document itself, /config or /secrets). */
export function jsonSchemaProblems(validate: ValidateFunction, value: unknown, base = ''): JsonSchemaProblem[] {
  if (validate(value)) return [];
  const problems = (validate.errors ?? [])
    .filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword))
    .map((e) => toProblem(e, base));
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The JSON Pointer (RFC 6901) of `keys` under `base`: `jsonPointer('/config/headers', 'a/b~')` is
 * `/config/headers/a~1b~0`. Every error path of the HTTP APIs is one, so a key holding a dot or a slash stays one key.
 */
export function jsonPointer(base: string, ...keys: Array<string | number>): string {
  return keys.reduce<string>((pointer, key) => `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`, base);
}

function toProblem(e: ErrorObject, base: string): JsonSchemaProblem {
  const path = base + e.instancePath;
  if (e.keyword === 'required') return { path: jsonPointer(path, String(e.params.missingProperty)), message: 'is required' };
  if (e.keyword === 'additionalProperties')
    return { path: jsonPointer(path, String(e.params.additionalProperty)), message: 'is not a known setting' };
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}` };
  return { path, message: e.message ?? 'is invalid' };
}
