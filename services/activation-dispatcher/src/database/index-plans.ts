/**
 * The rest of the transaction's statements planned as index lookups, as @tessera/persistence's preferIndexPlans
 * does, but as a select-list item of a statement the transaction runs anyway, so it costs no round trip of its own.
 * The dispatcher's tables grow fast from empty, and with statistics behind, a batch's attempt rows or a slice's
 * profiles were found by scanning the whole table (milliseconds per statement, growing with the table). It does not
 * change the plan of the statement that carries it.
 */
export const PREFER_INDEX_PLANS = `set_config('enable_seqscan', 'off', true) IS NOT NULL AND set_config('plan_cache_mode', 'force_generic_plan', true) IS NOT NULL AS index_plans`;
