import { Topics, type IdentityChange } from '@tessera/contracts';
import { preferIndexPlans } from '@tessera/persistence';
import { createTestSchema, genericPlanWork } from '@tessera/testing';
import { ApplierHarness } from '../test-support/applier-harness';
import { identifyItem, trackItem } from '../test-support/test-items.fixture';
import type { ProfileInput } from './profile-input';

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
      expect(await genericPlanWork(client, sliceKeyed)).toEqual({ asPlanned: [], nestedLoops: [] });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  }, 120_000);
});
