import type { JsonSchema } from '@tessera/connector-sdk';
import type { SourceRecord } from './record-extraction';

type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * An object schema for records seen on a sample page: each field typed by what it held (plus null, since a later
 * row may lack it). A stream's declared `schema` is better; this is for when an API documents none.
 */
export function inferSchema(records: SourceRecord[]): JsonSchema {
  const types = new Map<string, Set<JsonType>>();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      const seen = types.get(field) ?? new Set<JsonType>(['null']);
      seen.add(jsonTypeOf(value));
      types.set(field, seen);
    }
  }
  // a sampled 1 says nothing about a later 1.5: numbers are typed `number`
  const properties = Object.fromEntries([...types].map(([field, seen]) => [field, { type: [...seen].sort() }]));
  return { type: 'object', properties };
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'string' | 'number' | 'boolean' | 'object';
}
