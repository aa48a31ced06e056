import { types } from 'pg';
import type { JsonSchema } from '@tessera/connector-sdk';

// Type OIDs (pg_type) whose node-postgres default does not suit a JSON record.
const INT8 = 20;
const FLOAT4 = 700;
const FLOAT8 = 701;
const NUMERIC = 1700;
const DATE = 1082;
const TIME = 1083;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const INTERVAL = 1186;
const TIMETZ = 1266;
const BYTEA = 17;

/**
 * How values come out of the source: dates and timestamps as ISO-8601 text with every microsecond (a JS Date
 * would cut them to milliseconds and shift a `date` by the process's time zone), bigint as a number while it is
 * a safe integer, numeric as a number while a double holds it exactly (else its text: `12345678901234567890.1234`
 * would come out as 12345678901234567000). NaN and ±Infinity stay text, which JSON would write as null. Needs the
 * session in UTC (see postgres-client.ts).
 */
export const RECORD_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case DATE:
      case TIME:
      case TIMETZ:
      case INTERVAL:
      case BYTEA:
        return (raw: string) => raw;
      case TIMESTAMP:
        return (raw: string) => raw.replace(' ', 'T');
      case TIMESTAMPTZ:
        return isoTimestamptz;
      case INT8:
        return (raw: string) => (Number.isSafeInteger(Number(raw)) ? Number(raw) : raw);
      case NUMERIC:
        return (raw: string) => (fitsDouble(raw) ? Number(raw) : raw);
      case FLOAT4:
      case FLOAT8:
        return (raw: string) => (Number.isFinite(Number(raw)) ? Number(raw) : raw);
      default:
        return types.getTypeParser(oid, format);
    }
  },
};

/**
 * Whether numeric text (Postgres writes no exponent) survives a double: the double's shortest decimal, which
 * String() writes, has the same significant digits (`1234.50` and `0.1` do; `9007199254740993` does not).
 */
export function fitsDouble(raw: string): boolean {
  const digits = significantDigits(raw);
  return digits !== undefined && digits === significantDigits(String(Number(raw)));
}

/** The digits of a decimal without sign, point, exponent and outer zeros; undefined for NaN and the infinities. */
function significantDigits(text: string): string | undefined {
  const match = /^-?(\d*)\.?(\d*)(?:e[+-]?\d+)?$/i.exec(text);
  if (!match) return undefined;
  return `${match[1]}${match[2]}`.replace(/^0+/, '').replace(/0+$/, '');
}

/** `2026-03-31 10:00:00.123456+00` → `2026-03-31T10:00:00.123456Z`; ±infinity stays as it is. */
export function isoTimestamptz(raw: string): string {
  const t = raw.replace(' ', 'T');
  if (t.endsWith('+00')) return `${t.slice(0, -3)}Z`;
  return /[+-]\d\d$/.test(t) ? `${t}:00` : t;
}

/** The JSON Schema of a column's values, by its pg_type name (`udt_name`: int4, timestamptz, _text…). */
export function jsonSchemaOfType(typeName: string, nullable: boolean): JsonSchema {
  const schema = baseSchema(typeName);
  if (!nullable || schema.type === undefined) return schema;
  return { ...schema, type: [...(Array.isArray(schema.type) ? schema.type : [schema.type]), 'null'] };
}

function baseSchema(typeName: string): Record<string, unknown> {
  if (typeName.startsWith('_')) return { type: 'array' };
  switch (typeName) {
    case 'int2':
    case 'int4':
      return { type: 'integer' };
    case 'int8':
      return { type: ['integer', 'string'], description: 'a string beyond 2^53' };
    case 'float4':
    case 'float8':
    case 'numeric':
      return { type: ['number', 'string'], description: 'text when a double cannot hold it exactly, and NaN, ±Infinity' };
    case 'bool':
      return { type: 'boolean' };
    case 'json':
    case 'jsonb':
      return {};
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamptz':
      return { type: 'string', format: 'date-time' };
    default:
      return { type: 'string' };
  }
}
