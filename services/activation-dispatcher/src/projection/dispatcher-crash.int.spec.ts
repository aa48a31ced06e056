import { TOPIC_SPECS } from '@tessera/contracts';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { membershipRound } from '../test-support/membership-round';

const PROFILES = 1_000;
const CHANGES_PER_PROFILE = 10;
const KILLS = 4;

/**
 * kill -9 of the dispatcher (its own main.ts, a child process) at random instants while it consumes 10,000
 * membership changes (each profile enters and exits a segment five times), restarted each time. Afterwards every
 * profile has exactly one delivery per change, alternating add / remove in order: no enter or exit missing, none
 * enqueued twice. (The worker that sends them is not part of this test; the rows are the dispatcher's promise.)
 */
describe('activation-dispatcher consumer under kill -9 (embedded broker + Postgres, child process)', () => {
  let broker: TestBroker;
  let schema: TestSchema;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('act_crash');
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await schema?.drop();
    await broker?.stop();
  });

  const startDispatcher = () =>
    ServiceChildProcess.launch({
      service: 'activation-dispatcher',
      database: schema,
      brokers: broker.brokers,
      env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100' },
    });
  const enqueued = async () => Number((await schema.pool.query('SELECT count(*)::int AS n FROM deliveries')).rows[0].n);

  it('enqueues every enter and exit exactly once across repeated SIGKILLs', async () => {
    let running = await startDispatcher();
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${running.port}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      60_000,
      'dispatcher ready',
    );
    // main.ts has no adapters until libs/destinations lands, so the destination and sync are seeded as rows
    await schema.pool.query(
      `INSERT INTO destinations (destination_id, name, kind, config) VALUES ('hook', 'hook', 'webhook', '{"url":"http://127.0.0.1:9/"}')`,
    );
    await schema.pool.query(`INSERT INTO syncs (sync_id, segment_id, destination_id, mode) VALUES ('s', 'seg', 'hook', 'add_remove')`);

    const producer = createTestProducer(broker.brokers, 'act-crash');
    await producer.connect();
    const ids = Array.from({ length: PROFILES }, (_, i) => `cp-${i}`);
    const now = Date.now();
    for (let round = 0; round < CHANGES_PER_PROFILE; round++) {
      await producer.send(membershipRound(ids, round, now + round));
    }
    await producer.disconnect();

    const total = PROFILES * CHANGES_PER_PROFILE;
    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await enqueued();
      // a restarted dispatcher can finish the backlog before the next kill: nothing is left to interrupt then
      if (before >= total) break;
      await eventually(async () => (await enqueued()) > before, 60_000, 'progress');
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 600));
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(await enqueued());
      running = await startDispatcher();
    }

    await eventually(async () => ((await enqueued()) >= total ? true : undefined), 180_000, 'every change enqueued');
    await new Promise((r) => setTimeout(r, 1_000)); // a wrongly repeated row would show up now
    await running.stop();

    expect(progress.some((n) => n > 0 && n < total)).toBe(true);
    const { rows } = await schema.pool.query<{ profile_id: string; actions: string[] }>(
      `SELECT profile_id, array_agg(action ORDER BY seq) AS actions FROM deliveries GROUP BY profile_id`,
    );
    const expected = Array.from({ length: CHANGES_PER_PROFILE }, (_, i) => (i % 2 === 0 ? 'add' : 'remove'));
    const broken = rows
      .filter((r) => JSON.stringify(r.actions) !== JSON.stringify(expected))
      .map((r) => `${r.profile_id}: ${r.actions.join(',')}`);
    expect(broken).toEqual([]);
    expect(rows).toHaveLength(PROFILES);
    expect(await enqueued()).toBe(total);
    const present = await schema.pool.query(`SELECT count(*)::int AS n FROM sync_members WHERE present`);
    expect(present.rows[0].n).toBe(0);
  }, 400_000);
});
