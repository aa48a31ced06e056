import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { encode, TOPIC_SPECS, Topics } from '@tessera/contracts';
import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { trackItem } from '../survivorship/test-items.fixture';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const TOTAL = 4_000;
const PROFILES = 80;
const KILLS = 3;
const EVENTS = ['Viewed', 'Clicked', 'Order Completed'];
/** Merges of profile 2k+1 into 2k for the first MERGED pairs, sent mid-stream. */
const MERGED = 10;

function startMerger(schema: TestSchema, brokers: string[]): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'tools', 'run-ts.js'), join(__dirname, '..', 'test-support', 'crash-merger.fixture.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: schema.url, DATABASE_SCHEMA: schema.schema, KAFKA_BROKERS: brokers.join(',') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code))) };
}

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
    await createTestTopics(broker.brokers, TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })));
    schema = await createTestSchema('pm_crash');
  }, 60_000);

  afterAll(async () => {
    await schema?.drop();
    await broker?.stop();
  });

  it('counts every event exactly once across repeated SIGKILLs', async () => {
    const expected = new Map<string, number>();
    const items = Array.from({ length: TOTAL }, (_, i) => {
      const profile = i % PROFILES;
      const name = EVENTS[i % EVENTS.length];
      const survivor = profile % 2 === 1 && profile < MERGED * 2 ? profile - 1 : profile;
      const key = `p-${survivor}|${name}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
      return trackItem({ profileId: `p-${profile}`, messageId: `m-${i}`, sourceId: 'web', at: Date.UTC(2026, 0, 1) + i, event: name, revenue: name === 'Order Completed' ? 1 : null });
    });
    const producer = new Kafka({ clientId: 'crash-seed', brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const half = TOTAL / 2;
    const send = (slice: typeof items) => producer.send({ topic: Topics.EventsResolved, messages: slice.map((item) => ({ key: item.profileId, value: encode(Topics.EventsResolved, item) })) });
    for (let i = 0; i < half; i += 500) await send(items.slice(i, i + 500));
    await producer.send({
      topic: Topics.IdentityMerges,
      messages: Array.from({ length: MERGED }, (_, k) => {
        const change = { changeId: `chg-${k}`, kind: 'merge' as const, survivorProfileId: `p-${2 * k}`, absorbedProfileId: `p-${2 * k + 1}`, rule: 'test', identifiers: [], at: Date.UTC(2026, 0, 2) };
        return { key: change.survivorProfileId, value: encode(Topics.IdentityMerges, change) };
      }),
    });
    for (let i = half; i < TOTAL; i += 500) await send(items.slice(i, i + 500));
    await producer.disconnect();

    const applied = async (): Promise<number> => {
      const exists = await schema.pool.query("SELECT to_regclass('profiles') IS NOT NULL AS ok");
      if (!exists.rows[0].ok) return 0;
      return Number((await schema.pool.query('SELECT COALESCE(sum(item_count), 0) AS n FROM profiles')).rows[0].n);
    };
    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const merger = startMerger(schema, broker.brokers);
      const before = await applied();
      // let it make some progress, then kill it at a random instant
      const deadline = Date.now() + 60_000;
      while ((await applied()) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400));
      merger.child.kill('SIGKILL');
      expect(await merger.exited).toBe('SIGKILL');
      progress.push(await applied());
    }
    const last = startMerger(schema, broker.brokers);
    const deadline = Date.now() + 120_000;
    while ((await applied()) < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // give a wrongly re-applied slice the chance to show up before stopping
    await new Promise((r) => setTimeout(r, 1_000));
    last.child.kill('SIGTERM');
    await last.exited;

    expect(progress.some((n) => n > 0 && n < TOTAL)).toBe(true);
    expect(await applied()).toBe(TOTAL);
    const { rows } = await schema.pool.query<{ profile_id: string; event_name: string; event_count: string }>('SELECT profile_id, event_name, event_count FROM profile_event_counts');
    const stored = new Map(rows.map((row) => [`${row.profile_id}|${row.event_name}`, Number(row.event_count)]));
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(expected));
    const merged = await schema.pool.query("SELECT count(*) AS n FROM profiles WHERE status = 'merged'");
    expect(Number(merged.rows[0].n)).toBe(MERGED);
    expect(Number((await schema.pool.query('SELECT count(*) AS n FROM profile_items')).rows[0].n)).toBe(TOTAL);
    const orders = await schema.pool.query('SELECT sum(order_count) AS n, sum(revenue_micros) AS r FROM profiles');
    expect(Number(orders.rows[0].n)).toBe(items.filter((i) => i.event?.event === 'Order Completed').length);
  }, 300_000);
});
