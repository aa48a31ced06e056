import { quoteIdentifier } from './sql-identifier';
import type { ParameterizedQuery, UnnestColumn } from './unnest-parameters';
import { unnestRelation } from './unnest-source';

/**
 * Set-based UPDATE and DELETE for a whole batch, the counterparts of buildUnnestInsert:
 *   UPDATE "t" AS "t" SET "size" = "v"."size" FROM unnest($1::text[], $2::int[]) AS "v"("id", "size") WHERE "t"."id" = "v"."id"
 * Rows join on `key`; `where`, `set` expressions and RETURNING may refer to the target as `t` (or `alias`)
 * and to the incoming row as `v`. Expressions and conditions are trusted SQL written in code, never input.
 */
export interface UnnestUpdateOptions<Row> {
  table: string;
  /** Alias for the target table; default `t`. */
  alias?: string;
  /** Columns that identify the row to update. */
  key: readonly UnnestColumn[];
  /** Incoming columns; each is assigned to the same-named column unless `set` says otherwise. */
  columns: readonly UnnestColumn[];
  /** Overrides for some assignments, e.g. `{ order_count: 't.order_count + v.order_count' }`. */
  set?: Readonly<Record<string, string>>;
  /** Extra condition, e.g. `v.updated_at > t.updated_at` (last writer wins only when newer). */
  where?: string;
  rows: readonly Row[];
  returning?: readonly string[];
}

export function buildUnnestUpdate<Row extends Record<string, unknown>>(options: UnnestUpdateOptions<Row>): ParameterizedQuery {
  if (options.key.length === 0) throw new Error('buildUnnestUpdate needs at least one key column');
  if (options.columns.length === 0) throw new Error('buildUnnestUpdate needs at least one column to set');
  const alias = quoteIdentifier(options.alias ?? 't', 'alias');
  const all = [...options.key, ...options.columns];
  const assignments = options.columns.map((column) => {
    const target = quoteIdentifier(column.name, 'column name');
    return `${target} = ${options.set?.[column.name] ?? `"v".${target}`}`;
  });
  for (const name of Object.keys(options.set ?? {})) {
    if (!options.columns.some((column) => column.name === name)) throw new Error(`set overrides "${name}", which is not in columns`);
  }
  const incoming = unnestRelation(all, options.rows, '"v"');
  const text =
    `UPDATE ${quoteIdentifier(options.table, 'table name')} AS ${alias} SET ${assignments.join(', ')} ` +
    `FROM ${incoming.from} ` +
    `WHERE ${keyJoin(alias, options.key)}${options.where ? ` AND (${options.where})` : ''}` +
    returning(alias, options.returning);
  return { text, values: incoming.values };
}

export interface UnnestDeleteOptions<Row> {
  table: string;
  alias?: string;
  key: readonly UnnestColumn[];
  rows: readonly Row[];
  returning?: readonly string[];
}

export function buildUnnestDelete<Row extends Record<string, unknown>>(options: UnnestDeleteOptions<Row>): ParameterizedQuery {
  if (options.key.length === 0) throw new Error('buildUnnestDelete needs at least one key column');
  const alias = quoteIdentifier(options.alias ?? 't', 'alias');
  const incoming = unnestRelation(options.key, options.rows, '"v"');
  const text =
    `DELETE FROM ${quoteIdentifier(options.table, 'table name')} AS ${alias} ` +
    `USING ${incoming.from} ` +
    `WHERE ${keyJoin(alias, options.key)}` +
    returning(alias, options.returning);
  return { text, values: incoming.values };
}

function keyJoin(alias: string, key: readonly UnnestColumn[]): string {
  return key
    .map((column) => {
      const name = quoteIdentifier(column.name, 'column name');
      return `${alias}.${name} = "v".${name}`;
    })
    .join(' AND ');
}

function returning(alias: string, columns: readonly string[] | undefined): string {
  if (!columns?.length) return '';
  return ` RETURNING ${columns.map((name) => `${alias}.${quoteIdentifier(name, 'column name')}`).join(', ')}`;
}
