import { createHash } from 'node:crypto';
import type { QueryResult, QueryResultRow } from 'pg';
import type { SqlExecutor } from './sql-client';

/** A pg client's query that takes a config object: `name` makes it a prepared statement of the connection. */
export interface PreparingConnection {
  query<R extends QueryResultRow = QueryResultRow>(config: { name?: string; text: string; values?: unknown[] }): Promise<QueryResult<R>>;
}

/** Distinct statement texts kept per process; beyond this, new texts run unnamed (a bound on every connection's cache). */
const MAX_NAMED_STATEMENTS = 500;
const names = new Map<string, string>();

function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `t_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/**
 * Runs every statement as a named prepared statement of the connection, so each text is parsed and planned once
 * per connection instead of on every slice: planning was about 6 % of the consumers' statement time, up to 40 %
 * for the reads that bind a few hundred ids (`= ANY($1)`), which the planner estimates element by element.
 * Statements that read `*` must not be prepared: a column added by a later migration would fail the cached plan.
 */
export function preparingExecutor(connection: PreparingConnection): SqlExecutor {
  return {
    query: <R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) =>
      connection.query<R>({ name: nameOf(text), text, values }),
  };
}
