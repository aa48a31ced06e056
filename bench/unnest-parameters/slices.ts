import { columnArrays, unnestArguments, type ParameterizedQuery, type UnnestColumn } from '@tessera/persistence';
import { randomBytes } from 'node:crypto';

/** A realistic slice of a set-based write: the shape the benchmark times old against new encoding on. */
export interface BenchSlice {
  name: string;
  table: string;
  ddl: string;
  columns: UnnestColumn[];
  rows: Record<string, unknown>[];
}

/** 5 columns like the resolver's resolved_items: ids, a counter, a small jsonb document and a timestamp. */
export function mixedSlice(rowCount: number): BenchSlice {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    name: `${rowCount} rows x 5 columns (text, text, bigint, jsonb, timestamptz)`,
    table: 'mixed',
    ddl: 'CREATE UNLOGGED TABLE mixed (source_id text, message_id text, seq bigint, keys jsonb, at timestamptz)',
    columns: [
      { name: 'source_id', type: 'text' },
      { name: 'message_id', type: 'text' },
      { name: 'seq', type: 'bigint' },
      { name: 'keys', type: 'jsonb' },
      { name: 'at', type: 'timestamptz' },
    ],
    rows: Array.from({ length: rowCount }, (_, i) => ({
      source_id: 'web',
      message_id: `msg-${i.toString().padStart(8, '0')}-${randomBytes(6).toString('hex')}`,
      seq: BigInt(1_700_000_000_000 + i),
      keys: [`anonymous_id:a-${i}`, `email:user${i % 97}@example.com`, `user_id:"u\\${i}"`],
      at,
    })),
  };
}

/** The merger's item log: ids, a time and a ~400-byte encoded message per row. */
export function byteaSlice(rowCount: number, payloadBytes = 400): BenchSlice {
  return {
    name: `${rowCount} rows x ${payloadBytes}-byte bytea (+ text, text, bigint)`,
    table: 'items',
    ddl: 'CREATE UNLOGGED TABLE items (profile_id text, message_id text, occurred_at_ms bigint, payload bytea)',
    columns: [
      { name: 'profile_id', type: 'text' },
      { name: 'message_id', type: 'text' },
      { name: 'occurred_at_ms', type: 'bigint' },
      { name: 'payload', type: 'bytea' },
    ],
    rows: Array.from({ length: rowCount }, (_, i) => ({
      profile_id: `p-${i % 200}`,
      message_id: `m-${i}`,
      occurred_at_ms: 1_767_225_600_000 + i,
      payload: randomBytes(payloadBytes),
    })),
  };
}

/** The builders' statement before array literals: JS arrays that pg encodes element by element. */
export function referenceInsert(slice: BenchSlice): ParameterizedQuery {
  const columns = slice.columns.map((column) => `"${column.name}"`).join(', ');
  return {
    text: `INSERT INTO "${slice.table}" (${columns}) SELECT * FROM unnest(${unnestArguments(slice.columns)})`,
    values: columnArrays(slice.columns, slice.rows),
  };
}
