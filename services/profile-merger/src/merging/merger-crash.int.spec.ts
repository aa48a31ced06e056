import { TOPIC_SPECS } from '@tessera/contracts';
import {
  createTestSchema,
  createTestTopics,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
  eventually,
} from '@tessera/testing';
import { appliedItems, produceWorkload, storedCounts, waitUntilCaughtUp } from '../test-support/merger-workload';

const TOTAL = 4_000;
const PROFILES = 80;
const MERGES = 10;
const KILLS = 3;

/**
 * kill -9 of the merger at random instants while it folds 4,000 events (and 10 merges) into 80 profiles,
 * restarted each time: in the end every profile's counts equal the counts computed from the input, with
 * nothing lost and nothing counted twice.
 */
describe('profile-merger under kill -9 (embedded broker + Postgres, child process)', () => {
  let broker: TestBroker;
  let schema: TestSchema;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('pm_crash');
  }, 60_000);

  /** The merger's own main.ts in a child process, its consumers with short sessions. */
  // Slices of 100 (the default is 2,000, the whole test input in two slices): many transactions for the kills to land in.
  const startMerger = () =>
    ServiceChildProcess.launch({
      service: 'profile-merger',
      database: schema,
      brokers: broker.brokers,
      env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100' },
    });

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await schema?.drop();
    await broker?.stop();
  });

  it('counts every event exactly once across repeated SIGKILLs', async () => {
    const workload = await produceWorkload(broker.brokers, TOTAL, PROFILES, MERGES);
    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const merger = await startMerger();
      const before = await appliedItems(schema.pool);
      // let it make some progress, then kill it at a random instant
      await eventually(async () => (await appliedItems(schema.pool)) > before, 60_000, 'progress');
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      expect((await merger.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(await appliedItems(schema.pool));
    }
    const last = await startMerger();
    await waitUntilCaughtUp(schema.pool, TOTAL, MERGES);
    // give a wrongly re-applied slice the chance to show up before stopping
    await new Promise((r) => setTimeout(r, 1_000));
    await last.stop();

    expect(progress.some((n) => n > 0 && n < TOTAL)).toBe(true);
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
