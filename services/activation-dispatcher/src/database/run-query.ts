import type { SqlExecutor } from '@tessera/kafka';
import type { ParameterizedQuery } from '@tessera/persistence';
import type { QueryResult, QueryResultRow } from 'pg';

/** Runs a statement built by the persistence builders (buildUnnestInsert ...) on a transaction. */
export function runQuery<R extends QueryResultRow = QueryResultRow>(tx: SqlExecutor, query: ParameterizedQuery): Promise<QueryResult<R>> {
  return tx.query<R>(query.text, query.values);
}
