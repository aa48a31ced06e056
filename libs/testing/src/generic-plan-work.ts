import type { PoolClient } from 'pg';

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Join Filter'?: string;
  'Index Cond'?: string;
  'Index Name'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** A statement and what in its plan costs per row. */
export type PlanWork = [statement: string, work: string[]];

/** Whether a nested loop's inner side is a probe keyed by the outer row (an index condition under it). */
const isKeyedProbe = (node: PlanNode): boolean =>
  node['Node Type'] !== 'Materialize' &&
  node['Node Type'] !== 'Function Scan' &&
  (!!node['Index Cond'] || (node.Plans ?? []).some(isKeyedProbe));

/** A subplan's body with the planner's renaming of a second copy's aliases (o_1, w_1...) undone. */
const subplanBody = (node: PlanNode): string =>
  JSON.stringify(node, (key, value: unknown) =>
    key === 'Subplan Name' || key === 'Alias' ? undefined : typeof value === 'string' ? value.replace(/\b(\w+)_\d+\./g, '$1.') : value,
  );

/**
 * What in a plan costs (rows x slice) or (rows x table): a seq scan, a walk of a whole index or of a whole partial
 * index (`... IS NOT NULL`), a join filter whose inner side is not a keyed probe (everything compared with
 * everything), an array of the slice (`= ANY`) tested on a nested loop's inner side once per outer row, and one
 * subquery planned twice (run twice per row).
 */
function perRowWork(node: PlanNode, inner = false, subplans = new Set<string>()): string[] {
  const found: string[] = [];
  const type = node['Node Type'];
  if (type === 'Seq Scan') found.push('seq scan');
  if (/^Index (Only )?Scan$/.test(type) && !node['Index Cond']) found.push(`whole index ${node['Index Name']}`);
  if (node['Index Cond'] && / IS NOT NULL\)$/.test(node['Index Cond'])) found.push(`whole index ${node['Index Cond']}`);
  if (node['Join Filter'] && !(type === 'Nested Loop' && isKeyedProbe(node.Plans?.[1] ?? node)))
    found.push(`join filter ${node['Join Filter']}`);
  if (inner)
    for (const cond of [node['Index Cond'], node['Recheck Cond'], node.Filter])
      if (cond && /ANY \(/.test(cond)) found.push(`array per row ${cond}`);
  if (node['Parent Relationship'] === 'SubPlan') {
    const body = subplanBody(node);
    if (subplans.has(body)) found.push(`subquery run twice (${node['Subplan Name']})`);
    subplans.add(body);
  }
  (node.Plans ?? []).forEach((child, index) =>
    found.push(...perRowWork(child, inner || (type === 'Nested Loop' && index === 1), subplans)),
  );
  return found;
}

async function costly(client: PoolClient, statements: readonly string[]): Promise<PlanWork[]> {
  const found: PlanWork[] = [];
  for (const text of statements) {
    if (!/^\s*(SELECT|UPDATE|INSERT|DELETE|WITH)\b/i.test(text)) continue;
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${text}`);
    const work = perRowWork(rows[0]['QUERY PLAN'][0].Plan);
    if (work.length > 0) found.push([text.replace(/\s+/g, ' ').slice(0, 100), work]);
  }
  return found;
}

/**
 * The per-row work in the generic plan (the consumers' plan_cache_mode) of each data statement, planned by the open
 * transaction of `client` with its settings; then again with hash and merge joins off, because a hash join and a
 * nested loop over the same inputs can cost nearly the same and a small change in the statistics flips one to the
 * other, so the nested loop must probe by key too. The settings are restored afterwards.
 */
export async function genericPlanWork(
  client: PoolClient,
  statements: readonly string[],
): Promise<{ asPlanned: PlanWork[]; nestedLoops: PlanWork[] }> {
  const asPlanned = await costly(client, statements);
  await client.query('SAVEPOINT generic_plan_work');
  try {
    await client.query("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)");
    return { asPlanned, nestedLoops: await costly(client, statements) };
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT generic_plan_work');
  }
}
