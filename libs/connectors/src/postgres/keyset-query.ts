import { escapeIdentifier } from 'pg';
import type { PostgresStreamConfig } from './postgres-config';

/** Key columns come back a second time as text under these names: exact cursor values whatever their type. */
export const KEY_ALIAS = '__tessera_key_';

/** The stream's rows as a FROM item aliased `src`: a quoted table, or the query as a subquery. */
export function sourceSql(stream: PostgresStreamConfig): string {
  if (stream.query !== undefined) return `(${stream.query.trim().replace(/;+\s*$/, '')}) AS src`;
  return `${escapeIdentifier(stream.schema ?? 'public')}.${escapeIdentifier(stream.table!)} AS src`;
}

/** The keyset order: the replication key, then the primary key columns as tie-breakers (once each). */
export function keyColumns(replicationKey: string, primaryKey: string[]): string[] {
  return [...new Set([replicationKey, ...primaryKey])];
}

/**
 * One keyset page: the rows after `(k1, k2, …) > ($1, $2, …)` in key order, never an OFFSET (a page costs the
 * same at row 10 and at row 10,000,000 with an index on the key columns). The cursor values are text; Postgres
 * types each parameter from the column it is compared with. A NULL replication key never compares greater, and
 * the first page leaves such rows out too, so they are never read.
 */
export function pageQuery(
  stream: PostgresStreamConfig,
  keys: string[],
  after: string[] | null,
  pageSize: number,
): { text: string; values: string[] } {
  const columns = keyRefs(keys);
  const keyText = columns.map((c, i) => `${c}::text AS ${escapeIdentifier(`${KEY_ALIAS}${i}`)}`).join(', ');
  return {
    text: `SELECT src.*, ${keyText} FROM ${sourceSql(stream)} WHERE ${keysetWhere(columns, after)} ORDER BY ${columns.join(', ')} LIMIT ${Math.trunc(pageSize)}`,
    values: after ?? [],
  };
}

/** The rows a read from `after` will return, for the estimate (same filter as the pages). */
export function remainingQuery(
  stream: PostgresStreamConfig,
  keys: string[],
  after: string[] | null,
  select: string,
): { text: string; values: string[] } {
  return { text: `SELECT ${select} FROM ${sourceSql(stream)} WHERE ${keysetWhere(keyRefs(keys), after)}`, values: after ?? [] };
}

function keyRefs(keys: string[]): string[] {
  return keys.map((k) => `src.${escapeIdentifier(k)}`);
}

function keysetWhere(columns: string[], after: string[] | null): string {
  if (after === null) return `${columns[0]} IS NOT NULL`;
  return `(${columns.join(', ')}) > (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
}
