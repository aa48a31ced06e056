import { JSONPath } from 'jsonpath-plus';

export type SourceRecord = Record<string, unknown>;

/** Every match of `path` in a page's body; each must be a JSON object (a record). `eval: false`: no script filters. */
export function extractRecords(body: unknown, path: string): SourceRecord[] {
  const matches = JSONPath({ path, json: body as object, wrap: true, eval: false }) as unknown[];
  return matches.map((match, index) => {
    if (match === null || typeof match !== 'object' || Array.isArray(match)) {
      throw new Error(`recordsPath ${path}: match ${index} is ${JSON.stringify(match)?.slice(0, 80)}, not an object`);
    }
    return match as SourceRecord;
  });
}

/** The first match of `path` in `body`, or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  const matches = JSONPath({ path, json: body as object, wrap: true, eval: false }) as unknown[];
  return matches[0];
}
