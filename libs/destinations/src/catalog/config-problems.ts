import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigProblem } from '../destination';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/** Every problem ajv found, each at a JSONPath under `base` ($.config or $.secrets), for a 400 body. */
export function problemsOf(validate: ValidateFunction, value: unknown, base: string): ConfigProblem[] {
  if (validate(value)) return [];
  const problems = (validate.errors ?? []).filter((e) => !['if', 'oneOf', 'anyOf', 'allOf'].includes(e.keyword)).map((e) => toProblem(e, base));
  return dedupe(problems);
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

function toProblem(e: ErrorObject, base: string): ConfigProblem {
  const path = jsonPath(base, e.instancePath);
  if (e.keyword === 'required') return { path: path + pathSegment(String(e.params.missingProperty)), message: 'is required' };
  if (e.keyword === 'additionalProperties') return { path: path + pathSegment(String(e.params.additionalProperty)), message: 'is not a known setting' };
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}` };
  return { path, message: e.message ?? 'is invalid' };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
