import { encode, TOPIC_SPECS, Topics, type ResolvedItemInput } from '@tessera/contracts';
import {
  createTestProducer,
  CHILD_SERVICE_TOKENS,
  createTestSchema,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startTestBroker,
  TopicCollector,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { outboxDrained } from '../test-support/outbox-drained';

const PROFILES = 1000;
const KILLS = 3;

/**
 * kill -9 of the evaluator (its own main.ts, a child process) while it backfills a new computed trait over 1,000
 * profiles, 5 per page, restarted each time: the backfill resumes at its cursor and every profile's value is
 * announced on cdp.profiles.computed exactly once (deduplicated by message id, as consumers do).
 */
describe('computed-trait backfill under kill -9 (embedded broker + Postgres, child process)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let collector: TopicCollector;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('seg_ct_crash');
    collector = new TopicCollector(broker.brokers, [Topics.ProfilesComputed]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await collector?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  const startEvaluator = () =>
    ServiceChildProcess.launch({
      service: 'segment-evaluator',
      database: schema,
      brokers: broker.brokers,
      env: { SEGMENTS_BACKFILL_PAGE_SIZE: '5', SEGMENTS_TIMER_POLL_MS: '50' },
    });
  const count = async (sql: string) => Number((await schema.pool.query(sql)).rows[0].n);
  const progress = async () =>
    (
      await schema.pool.query<{ state: string; done: number; total: number }>(
        "SELECT state, done, total FROM segment_backfills WHERE segment_id = '$computed:orders_30d'",
      )
    ).rows[0];

  it('resumes where it stopped and announces each profile once', async () => {
    let running = await startEvaluator();
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${running.port}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      60_000,
      'evaluator ready',
    );
    const ids = Array.from({ length: PROFILES }, (_, i) => `ct-${String(i).padStart(4, '0')}`);
    const orders = (i: number) => 1 + (i % 3);
    const now = Date.now();
    const producer = createTestProducer(broker.brokers, 'seg-ct-crash');
    await producer.connect();
    await producer.send({
      topic: Topics.EventsResolved,
      messages: ids.flatMap((profileId, i) =>
        Array.from({ length: orders(i) }, (_, k) => {
          const item: ResolvedItemInput = {
            profileId,
            kind: 'event',
            messageId: `${profileId}-o${k}`,
            sourceId: 'web',
            occurredAt: now - k * 1000,
            identifiers: [],
            resolvedAt: now,
            event: { type: 'track', event: 'Order Completed', receivedAt: now, properties: '{}' },
          };
          return { key: profileId, value: encode(Topics.EventsResolved, item) };
        }),
      ),
    });
    await producer.disconnect();
    await eventually(
      async () => ((await count('SELECT count(*)::int AS n FROM profile_computed_values')) === PROFILES ? true : undefined),
      120_000,
      'every profile computed',
    );

    await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${running.port}/v1/computed-traits`, {
          method: 'POST',
          headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } }),
        }).catch(() => null);
        return res?.status === 201 ? true : undefined;
      },
      60_000,
      'trait created',
    );

    const seen: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = (await progress()).done;
      await eventually(async () => (await progress()).done > before, 60_000, 'progress', 10);
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      seen.push((await progress()).done);
      running = await startEvaluator();
    }
    await eventually(async () => ((await progress()).state === 'done' ? true : undefined), 120_000, 'backfill done');
    expect(await progress()).toEqual({ state: 'done', done: PROFILES, total: PROFILES });
    // killed part-way each time, and each restart went on from there (small pages, so that what is left once a page
    // is seen cannot all commit before the kill lands on a slow machine)
    const partWay = seen.map((done, i) => done > 0 && done < PROFILES && (i === 0 || done > seen[i - 1]));
    expect({ seen, partWay }).toEqual({ seen, partWay: seen.map(() => true) });

    const announced = () => {
      const unique = new Map<string, string[]>();
      const sequences = new Set<string>();
      for (const m of collector.all(Topics.ProfilesComputed)) {
        if (sequences.has(m.headers['tessera-seq'])) continue; // a relay republished it after a crash
        sequences.add(m.headers['tessera-seq']);
        for (const change of m.value.changes as Array<{ key: string; value: string }>) {
          if (change.key === 'computed.orders_30d') unique.set(m.value.profileId, [...(unique.get(m.value.profileId) ?? []), change.value]);
        }
      }
      return unique;
    };
    await eventually(async () => (announced().size === PROFILES ? true : undefined), 60_000, 'every value announced');
    await outboxDrained(schema.pool);
    await running.stop();
    const values = announced();
    expect(ids.filter((id, i) => JSON.stringify(values.get(id)) !== JSON.stringify([String(orders(i))]))).toEqual([]);
  }, 300_000);
});
