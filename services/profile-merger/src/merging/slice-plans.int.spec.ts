import { Topics, type IdentityChange } from '@tessera/contracts';
import { preferIndexPlans } from '@tessera/persistence';
import { createTestSchema } from '@tessera/testing';
import { ApplierHarness } from '../test-support/applier-harness';
import { identifyItem, trackItem } from '../test-support/test-items.fixture';
import type { ProfileInput } from './profile-input';

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Join Filter'?: string;
  'Index Cond'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Whether a nested loop's inner side is a probe keyed by the outer row (an index condition under it). */
const isKeyedProbe = (node: PlanNode): boolean =>
  node['Node Type'] !== 'Materialize' &&
  node['Node Type'] !== 'Function Scan' &&
  (!!node['Index Cond'] || (node.Plans ?? []).some(isKeyedProbe));

/**
 * What in a plan costs (rows x slice) or (rows x table): a seq scan or a walk of a whole index, a join filter whose
 * inner side is not a keyed probe (everything compared with everything), and one subquery planned twice (run twice
 * per row).
 */
function perRowWork(node: PlanNode, subplans = new Set<string>()): string[] {
  const found: string[] = [];
  if (node['Node Type'] === 'Seq Scan') found.push('seq scan');
  if (/^Index (Only )?Scan$/.test(node['Node Type']) && !node['Index Cond']) found.push(`whole index ${node['Index Name']}`);
  if (node['Node Type'] === 'Nested Loop' && node['Join Filter'] && !isKeyedProbe(node.Plans?.[1] ?? node))
    found.push(`join filter ${node['Join Filter']}`);
  if (node['Parent Relationship'] === 'SubPlan') {
    // The planner names a subquery's second copy's aliases o_1, w_1...: the same body, renamed.
    const body = JSON.stringify(node, (key, value: unknown) =>
      key === 'Subplan Name' || key === 'Alias' ? undefined : typeof value === 'string' ? value.replace(/\b(\w+)_\d+\./g, '$1.') : value,
    );
    if (subplans.has(body)) found.push(`subquery run twice (${node['Subplan Name']})`);
    subplans.add(body);
  }
  for (const child of node.Plans ?? []) found.push(...perRowWork(child, subplans));
  return found;
}

const at = Date.UTC(2026, 0, 1);

/** A person's identify (with an email) and a track (with a campaign) on profile p-k. */
const person = (k: number, round: number): ProfileInput[] => [
  {
    kind: 'item',
    item: {
      ...identifyItem({
        profileId: `p-${k}`,
        messageId: `i-${round}-${k}`,
        sourceId: 'web',
        at: at + round,
        traits: { email: `e${k}@x.io` },
      }),
      identifiers: [{ type: 'anonymous_id', value: `a-${k}` }],
    },
  },
  {
    kind: 'item',
    item: trackItem({
      profileId: `p-${k}`,
      messageId: `t-${round}-${k}`,
      sourceId: 'web',
      at: at + round,
      event: 'Order Completed',
      revenue: 10,
      properties: { order_id: `o-${round}-${k}` },
      context: { campaign: { source: 'g' } },
    }),
  },
];

const merge = (k: number): ProfileInput => ({
  kind: 'identity_change',
  change: {
    changeId: `chg-${k}`,
    kind: 'merge',
    survivorProfileId: `p-${2 * k}`,
    absorbedProfileId: `p-${2 * k + 1}`,
    rule: 'test',
    identifiers: [],
    at,
    causingMessageId: null,
  } as unknown as IdentityChange,
});

/**
 * The generic plans (the consumer's plan_cache_mode) of every slice-keyed statement of an items slice and a
 * merging slice, on statistics taken while the tables were small, as autovacuum's analyze leaves them on a fresh
 * deployment: a table analyzed near empty (here profile_orders, email identifiers) is planned as a one-row table.
 */
describe('merger slice plans on stale statistics (Postgres)', () => {
  let harness: ApplierHarness;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_slice_plans'));
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it('probes by key in every statement, whichever join the planner prefers', async () => {
    await harness.applySlice(Topics.EventsResolved, Array.from({ length: 300 }, (_, k) => person(k, 0).slice(0, 1)).flat());
    const tables = await harness.pool.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()',
    );
    for (const { name } of tables.rows) await harness.pool.query(`ALTER TABLE "${name}" SET (autovacuum_enabled = false)`);
    await harness.pool.query('ANALYZE');
    for (let start = 0; start < 3000; start += 500)
      await harness.applySlice(Topics.EventsResolved, Array.from({ length: 500 }, (_, k) => person(start + k, 1)).flat());

    const statements: string[] = [];
    harness.statements = statements;
    await harness.applySlice(
      Topics.IdentityMerges,
      Array.from({ length: 300 }, (_, k) => merge(k)),
    );
    await harness.applySlice(Topics.EventsResolved, Array.from({ length: 500 }, (_, k) => person(k, 2)).flat());
    harness.statements = undefined;
    const sliceKeyed = [...new Set(statements)].filter(
      (text) => /^\s*(SELECT|UPDATE|INSERT|DELETE|WITH)\b/i.test(text) && /\[\]/.test(text),
    );
    expect(sliceKeyed.some((text) => text.includes('INSERT INTO profile_orders'))).toBe(true);

    const client = await harness.pool.connect();
    try {
      await client.query('BEGIN');
      await preferIndexPlans(client);
      const costly = async () => {
        const found: Array<[string, string[]]> = [];
        for (const text of sliceKeyed) {
          const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${text}`);
          const work = perRowWork(rows[0]['QUERY PLAN'][0].Plan);
          if (work.length > 0) found.push([text.replace(/\s+/g, ' ').slice(0, 100), work]);
        }
        return found;
      };
      expect(await costly()).toEqual([]);
      // A hash join and a nested loop over the same inputs can cost nearly the same; a small change in the
      // statistics flips one to the other, and the nested loop must probe by key too.
      await client.query("SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)");
      expect(await costly()).toEqual([]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  }, 120_000);
});
