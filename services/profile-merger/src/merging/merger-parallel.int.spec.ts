import { TOPIC_SPECS } from '@tessera/contracts';
import {
  createTestSchema,
  createTestTopics,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { appliedItems, produceWorkload, storedCounts, waitUntilCaughtUp } from '../test-support/merger-workload';

const TOTAL = 4_000;
const PROFILES = 80;
const MERGES = 10;

/**
 * Two merger instances share the partitions of both input topics, so item slices and merges of the same
 * profiles run in parallel transactions: the row locks (taken in sorted order, deadlocks retried) keep every
 * count exact.
 */
describe('two profile-merger instances in parallel (embedded broker + Postgres, child processes)', () => {
  let broker: TestBroker;
  let schema: TestSchema;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('pm_parallel');
  }, 60_000);

  /** The merger's own main.ts in a child process, its consumers with short sessions. */
  const startMerger = () => ServiceChildProcess.launch({ service: 'profile-merger', database: schema, brokers: broker.brokers });

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await schema?.drop();
    await broker?.stop();
  });

  it('counts every event exactly once with two instances', async () => {
    const first = await startMerger();
    const second = await startMerger();
    const workload = await produceWorkload(broker.brokers, TOTAL, PROFILES, MERGES);
    await waitUntilCaughtUp(schema.pool, TOTAL, MERGES);
    await new Promise((r) => setTimeout(r, 1_000));
    await Promise.all([first.stop(), second.stop()]);

    expect(await appliedItems(schema.pool)).toBe(TOTAL);
    const stored = await storedCounts(schema.pool);
    expect(stored.counts).toEqual(Object.fromEntries(workload.expectedCounts));
    expect(stored).toMatchObject({
      merged: MERGES,
      loggedItems: TOTAL,
      orders: workload.items.filter((i) => i.event?.event === 'Order Completed').length,
    });
  }, 300_000);
});
