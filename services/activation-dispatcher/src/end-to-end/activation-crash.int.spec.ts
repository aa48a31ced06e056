import { TOPIC_SPECS } from '@tessera/contracts';
import {
  createTestProducer,
  CHILD_SERVICE_TOKENS,
  createTestSchema,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { membershipRound } from '../test-support/membership-round';
import { randomBytes } from 'node:crypto';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

const PROFILES = 1_000;
const CHANGES_PER_PROFILE = 10;
const TOTAL = PROFILES * CHANGES_PER_PROFILE;
const KILLS = 4;
/** One round (every profile's next change) every this many ms, so kills land while the consumer is still reading too. */
const ROUND_EVERY_MS = 1_500;

/**
 * The whole dispatcher (its own main.ts: consumer, planner, delivery worker, libs/destinations' real catalog) in a
 * child process, SIGKILLed at random instants while 10,000 membership changes stream in (each of 1,000 profiles
 * enters and exits a segment five times) and are delivered to a real local webhook (batches of 100, answered in
 * 20-80 ms). Afterwards the receiver, counting by idempotency key as a deduplicating receiver does (per item
 * deliveryId inside batches), has every enter and exit exactly once, and each profile's in order.
 * (projection/dispatcher-crash covers the consumer alone, delivery/delivery-crash the worker alone.)
 */
describe('activation-dispatcher end to end under kill -9 (embedded broker + Postgres, main.ts child process, real webhook)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('act_e2e_crash');
    receiver = await ScriptedReceiver.start();
    receiver.respond('/hook', () => ({ status: 200, delayMs: 20 + Math.random() * 60 }));
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await receiver?.close();
    await schema?.drop();
    await broker?.stop();
  });

  const startDispatcher = async () => {
    const child = await ServiceChildProcess.launch({
      service: 'activation-dispatcher',
      database: schema,
      brokers: broker.brokers,
      // A short lease (60 s by default) so the batches a killed worker held are sent again within seconds.
      env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100', ACTIVATION_ATTEMPT_TIMEOUT_MS: '3000', ACTIVATION_LEASE_MS: '6000' },
    });
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${child.port}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      90_000,
      `dispatcher ready (${child.output()})`,
    );
    return child;
  };
  const admin = async (port: number, path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  };
  const received = () => receiver.keysByDelivery('/hook').size;

  it('delivers every enter and exit exactly once by idempotency key, in order per profile, across repeated SIGKILLs', async () => {
    let running = await startDispatcher();
    await admin(running.port, '/v1/destinations', {
      id: 'hook',
      name: 'crash hook',
      kind: 'webhook',
      config: { url: receiver.url('/hook'), batchSize: 100 },
      secrets: { signingSecret: `whsec_${randomBytes(32).toString('base64')}` },
      batchSize: 100,
    });
    await admin(running.port, '/v1/syncs', { id: 's', segmentId: 'seg', destinationId: 'hook', mode: 'add_remove' });

    const producer = createTestProducer(broker.brokers, 'act-e2e-crash');
    await producer.connect();
    const ids = Array.from({ length: PROFILES }, (_, i) => `cp-${i}`);
    const start = Date.now();
    const produced = (async () => {
      for (let round = 0; round < CHANGES_PER_PROFILE; round++) {
        await producer.send(membershipRound(ids, round, start + round));
        await new Promise((r) => setTimeout(r, ROUND_EVERY_MS));
      }
    })();

    const progress: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = received();
      await eventually(async () => (received() > before ? true : undefined), 120_000, 'deliveries reaching the receiver before the kill');
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 1_500));
      const enqueued = Number((await schema.pool.query('SELECT count(*)::int AS n FROM deliveries')).rows[0].n);
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(`${enqueued} enqueued / ${received()} received`);
      running = await startDispatcher();
    }
    await produced;
    await producer.disconnect();

    // rows a killed worker held leased come back when its lease runs out
    await eventually(async () => (received() >= TOTAL ? true : undefined), 240_000, `every change delivered (have ${received()})`);
    const delivered = async () =>
      Number((await schema.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`)).rows[0].n);
    await eventually(async () => ((await delivered()) === TOTAL ? true : undefined), 120_000, 'every row delivered');
    await new Promise((r) => setTimeout(r, 1_000)); // a wrongly repeated delivery would show up now
    await running.stop();

    const requests = receiver.requests('/hook');
    const keys = receiver.keysByDelivery('/hook');
    const twice = [...keys].filter(([, k]) => k.size !== 1).map(([id, k]) => `${id}: ${[...k].join(',')}`);
    expect(twice).toEqual([]);
    expect(keys.size).toBe(TOTAL);
    const resent = requests.length - new Set(requests.map((r) => r.idempotencyKey)).size;
    console.log(
      `activation crash, end to end: ${TOTAL} changes in ${requests.length} requests (${resent} resent under their key after a kill); at each kill: ${progress.join('; ')}`,
    );
    expect(progress.filter((p) => !p.startsWith(`${TOTAL} enqueued`)).length).toBeGreaterThan(0); // a kill landed while the consumer still had work

    // per profile: the first receipt of each delivery, in order, alternates add / remove, five of each
    const firstSeen = new Map<string, string[]>();
    const seen = new Set<string>();
    for (const r of requests) {
      for (const item of r.items) {
        if (seen.has(item.deliveryId)) continue;
        seen.add(item.deliveryId);
        firstSeen.set(item.profileId, [...(firstSeen.get(item.profileId) ?? []), item.action]);
      }
    }
    const expected = Array.from({ length: CHANGES_PER_PROFILE }, (_, i) => (i % 2 === 0 ? 'add' : 'remove'));
    const broken = [...firstSeen]
      .filter(([, actions]) => JSON.stringify(actions) !== JSON.stringify(expected))
      .map(([p, a]) => `${p}: ${a.join(',')}`);
    expect(broken).toEqual([]);
    expect(firstSeen.size).toBe(PROFILES);
  }, 600_000);
});
