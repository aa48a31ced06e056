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

/** One key field: its value as a string; several: a JSON array of their values (unambiguous when a value has commas). */
export function rowKeyOf(record: SourceRecord, primaryKey: string[]): string {
  const values = primaryKey.map((field) => {
    const value = record[field];
    if (value === undefined || value === null || value === '') throw new Error(`a record has no primary key field ${field}: ${JSON.stringify(record).slice(0, 120)}`);
    return value;
  });
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}
