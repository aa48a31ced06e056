/** Anything that runs a statement: a pg client, a pool or the exactly-once processor's transaction. */
export interface StatementRunner {
  query(text: string): Promise<unknown>;
}

/**
 * Makes the rest of the caller's transaction plan key lookups as index probes. A consumer's slice binds a few
 * hundred ids as `= ANY($1)` or `unnest(...)`; against a table of some tens of thousands of rows (or one whose
 * statistics lag behind a fast-growing table, as autovacuum's analyze always does under ingest) the planner
 * prefers a sequential scan or a hash join over the whole table, which costs milliseconds per statement and
 * grows with the table. The penalty is a cost, not a ban: a statement with no usable index still runs.
 */
export async function preferIndexPlans(tx: StatementRunner): Promise<void> {
  await tx.query(`SELECT ${PREFER_INDEX_PLANS}`);
}

/**
 * preferIndexPlans as a select-list item, for a statement the transaction runs anyway (no round trip of its own).
 * It does not change the plan of the statement that carries it, only of the ones after. Generic plans too: a
 * prepared statement then stops being re-planned for the first executions on every connection, and these key
 * lookups plan the same whatever the number of ids.
 */
export const PREFER_INDEX_PLANS = `set_config('enable_seqscan', 'off', true) IS NOT NULL AND set_config('plan_cache_mode', 'force_generic_plan', true) IS NOT NULL AS index_plans`;
