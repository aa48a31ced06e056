import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigProblem, JsonSchema } from '../connector';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// `secret` is our annotation (as Airbyte's `airbyte_secret`); strict ajv refuses unknown keywords otherwise.
ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });

export function compileSchema(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

/** Every problem ajv found, each at a JSONPath under `$`. */
export function problemsOf(validate: ValidateFunction, value: unknown): ConfigProblem[] {
  if (validate(value)) return [];
  const problems = (validate.errors ?? [])
    .filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword))
    .map(toProblem);
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON Pointer (/a/0/b) to JSONPath ($.a[0].b); keys that are not identifiers are bracket-quoted. */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, key) => path + pathSegment(key), '$');
}

function pathSegment(key: string): string {
  if (/^\d+$/.test(key)) return `[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  return `['${key.replace(/'/g, "\\'")}']`;
}

function toProblem(e: ErrorObject): ConfigProblem {
  const path = jsonPath(e.instancePath);
  if (e.keyword === 'required') return { path: path + pathSegment(String(e.params.missingProperty)), message: 'is required' };
  if (e.keyword === 'additionalProperties') return { path: path + pathSegment(String(e.params.additionalProperty)), message: 'is not a known setting' };
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}` };
  return { path, message: e.message ?? 'is invalid' };
}
