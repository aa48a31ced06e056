import { Topics, type ResolvedItem } from '@tessera/contracts';
import { identifyItem, trackItem } from '../survivorship/test-items.fixture';
import { createTestSchema } from '@tessera/testing';
import { ApplierHarness } from '../test-support/applier-harness';

const ITEMS = Number(process.env.TESSERA_BENCH_ITEMS ?? 20_000);
const PROFILES = Number(process.env.TESSERA_BENCH_PROFILES ?? 2_000);
const SLICE = 500;
const T0 = Date.UTC(2026, 0, 1);

/**
 * Measurement, not a check: the merger's storage path alone (fold + upserts + snapshots + outbox staging, no
 * Kafka) on the embedded Postgres. Run with TESSERA_BENCH=1 npx jest services/profile-merger/src/storage/apply-throughput.
 */
(process.env.TESSERA_BENCH ? describe : describe.skip)('profile-merger apply throughput', () => {
  let harness: ApplierHarness;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_bench'));
    await harness.priorities.put({ sourceId: 'crm', priority: 1, fields: {} });
    await harness.priorities.put({ sourceId: 'web', priority: 5, fields: { plan: 1 } });
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it(`applies ${ITEMS} items over ${PROFILES} profiles in slices of ${SLICE}`, async () => {
    const items: ResolvedItem[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const profileId = `p-${i % PROFILES}`;
      const at = T0 + i * 10;
      const messageId = `m-${i.toString().padStart(8, '0')}`;
      items.push(
        i % 5 === 0
          ? identifyItem({ profileId, messageId, sourceId: i % 2 ? 'web' : 'crm', at, traits: { firstName: `n${i % 7}`, plan: `plan${i % 3}`, email: `u${i % PROFILES}@x.io` } })
          : trackItem({ profileId, messageId, sourceId: 'web', at, event: i % 10 === 1 ? 'Order Completed' : 'Product Viewed', revenue: i % 10 === 1 ? 9.99 : null, context: { campaign: { source: 'google' } } }),
      );
    }
    if (process.env.TESSERA_BENCH_TIMINGS) harness.statementTimes = new Map();
    const started = process.hrtime.bigint();
    let changes = 0;
    for (let start = 0; start < items.length; start += SLICE) {
      changes += await harness.applySlice(Topics.EventsResolved, items.slice(start, start + SLICE).map((item) => ({ kind: 'item' as const, item })));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
     
    console.log(`profile-merger apply: ${ITEMS} items, ${PROFILES} profiles, slices of ${SLICE}: ${seconds.toFixed(2)} s, ${Math.round(ITEMS / seconds)} items/s, ${changes} profile changes`);
    if (harness.statementTimes) {
      const top = [...harness.statementTimes].sort((a, b) => b[1] - a[1]).slice(0, 12);
       
      console.log(top.map(([sql, ms]) => `${ms.toFixed(0).padStart(7)} ms  ${sql}`).join('\n'));
    }
  }, 600_000);
});
