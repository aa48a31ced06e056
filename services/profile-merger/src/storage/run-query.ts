import type { SqlExecutor } from '@tessera/kafka';
import type { ParameterizedQuery } from '@tessera/persistence';

/** Runs a statement built by @tessera/persistence's unnest builders on the batch transaction. */
export async function runQuery(tx: SqlExecutor, query: ParameterizedQuery): Promise<void> {
  await tx.query(query.text, query.values);
}
