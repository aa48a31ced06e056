import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** One thing wrong with a JSON document, at a JSONPath (`$.auth.token`): what a 400 body or a check lists. */
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

/** Every problem ajv found, each at a JSONPath under `base` (e.g. $, $.config or $.secrets). */
export function jsonSchemaProblems(validate: ValidateFunction, value: unknown, base = '$'): JsonSchemaProblem[] {
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

/** JSON Pointer (/a/0/b) to JSONPath ($.a[0].b); keys that are not identifiers are bracket-quoted. */
export function jsonPath(base: string, pointer: string): string {
  if (pointer === '') return base;
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, key) => path + pathSegment(key), base);
}

function pathSegment(key: string): string {
  if (/^\d+$/.test(key)) return `[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  return `['${key.replace(/'/g, "\\'")}']`;
}

function toProblem(e: ErrorObject, base: string): JsonSchemaProblem {
  const path = jsonPath(base, e.instancePath);
  if (e.keyword === 'required') return { path: path + pathSegment(String(e.params.missingProperty)), message: 'is required' };
  if (e.keyword === 'additionalProperties')
    return { path: path + pathSegment(String(e.params.additionalProperty)), message: 'is not a known setting' };
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}` };
  return { path, message: e.message ?? 'is invalid' };
}
