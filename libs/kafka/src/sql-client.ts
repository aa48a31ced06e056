import type { QueryResult, QueryResultRow } from 'pg';

/**
 * The part of a pg client the Kafka runtime uses. A `pg.PoolClient` satisfies it, so does TypeORM's
 * underlying pool (`(dataSource.driver as PostgresDriver).master`). The connection's search_path must be the
 * service's own schema: every table here is created and queried unqualified.
 */
export interface SqlExecutor {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface SqlConnection extends SqlExecutor {
  release(err?: Error | boolean): void;
}

export interface SqlPool {
  connect(): Promise<SqlConnection>;
}

/** Runs fn inside BEGIN/COMMIT on one pooled connection; rolls back and rethrows on failure. */
export async function inTransaction<T>(pool: SqlPool, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      // The connection is unusable (e.g. the server went away): do not return it to the pool.
      broken = rollbackErr as Error;
    }
    throw err;
  } finally {
    client.release(broken ?? false);
  }
}
