import { quoteIdentifier } from './sql-identifier';
import type { ParameterizedQuery, UnnestColumn } from './unnest-parameters';
import { unnestRows } from './unnest-source';

/**
 * Set-based writes: one statement for a whole batch, with one array parameter per column, e.g.
 *   INSERT INTO "t" ("id","n") SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT ("id") DO NOTHING
 * The statement text depends only on the columns, never on the row count, so Postgres can cache its plan
 * and a 10 000-row batch costs one round trip. Values are always bound parameters (array literals built in
 * unnest-source.ts; bytea columns go as one binary blob sliced in SQL, which changes the text but not the rows).
 * With ON CONFLICT DO UPDATE, a batch must not hold the same conflict key twice (Postgres refuses to touch a row
 * twice in one statement): fold duplicates first.
 */
export type UnnestAssignment = string | { column: string; expression: string };

export type UnnestConflict =
  | { target: readonly string[]; action: 'nothing' }
  | {
      target: readonly string[];
      /** Columns set from EXCLUDED, or {column, expression} with a trusted SQL expression (never user input). */
      update: readonly UnnestAssignment[];
      /** Optional trusted SQL condition on DO UPDATE, e.g. `EXCLUDED.updated_at > t.updated_at`. */
      where?: string;
    };

export interface UnnestInsertOptions<Row> {
  /** Unqualified: the connection's search_path decides the schema. */
  table: string;
  /** Alias for the target table in `update` expressions and `where`; default the table name. */
  alias?: string;
  columns: readonly UnnestColumn[];
  rows: readonly Row[];
  onConflict?: UnnestConflict;
  returning?: readonly string[];
}

export function buildUnnestInsert<Row extends Record<string, unknown>>(options: UnnestInsertOptions<Row>): ParameterizedQuery {
  if (options.columns.length === 0) throw new Error('buildUnnestInsert needs at least one column');
  const table = quoteIdentifier(options.table, 'table name');
  const alias = options.alias ? ` AS ${quoteIdentifier(options.alias, 'alias')}` : '';
  const columnList = options.columns.map((column) => quoteIdentifier(column.name, 'column name')).join(', ');
  const { select, from, values } = unnestRows(options.columns, options.rows);

  let text = `INSERT INTO ${table}${alias} (${columnList}) SELECT ${select} FROM ${from}`;
  if (options.onConflict) text += ` ${conflictClause(options.onConflict)}`;
  if (options.returning?.length) text += ` RETURNING ${options.returning.map((name) => quoteIdentifier(name, 'column name')).join(', ')}`;
  return { text, values };
}

function conflictClause(conflict: UnnestConflict): string {
  const target = `(${conflict.target.map((name) => quoteIdentifier(name, 'conflict column')).join(', ')})`;
  if ('action' in conflict) return `ON CONFLICT ${target} DO NOTHING`;
  if (conflict.update.length === 0) throw new Error('ON CONFLICT DO UPDATE needs at least one column to update');
  const assignments = conflict.update.map((assignment) =>
    typeof assignment === 'string'
      ? `${quoteIdentifier(assignment, 'column name')} = EXCLUDED.${quoteIdentifier(assignment, 'column name')}`
      : `${quoteIdentifier(assignment.column, 'column name')} = ${assignment.expression}`,
  );
  return `ON CONFLICT ${target} DO UPDATE SET ${assignments.join(', ')}${conflict.where ? ` WHERE ${conflict.where}` : ''}`;
}

/** Splits rows into chunks so one statement's arrays stay a sensible size (default 5000 rows). */
export function chunkRows<Row>(rows: readonly Row[], size = 5000): Row[][] {
  if (size < 1) throw new Error('chunk size must be at least 1');
  const chunks: Row[][] = [];
  for (let start = 0; start < rows.length; start += size) chunks.push(rows.slice(start, start + size));
  return chunks;
}
