import { createTestSchema, eventually, ServiceChildProcess, type TestSchema } from '@tessera/testing';
import { ScriptedReceiver } from '../test-support/scripted-receiver';
import { TEST_SIGNING_SECRET } from '../test-support/test-receiver';

const PROFILES = 100;
const CHANGES_PER_PROFILE = 10;
const TOTAL = PROFILES * CHANGES_PER_PROFILE;
const KILLS = 4;

/**
 * kill -9 of a process running the delivery worker, at random instants while it sends 1,000 deliveries (batches of
 * 10, two at a time, each answered in 50-250 ms), restarted each time. Afterwards every delivery is delivered, and the
 * receiver, counting by idempotency key as a deduplicating receiver does, has each delivery under exactly one key:
 * a batch cut off mid-send was sent again whole, under the same key. Per profile, the first receipts are in order.
 */
describe('delivery worker under kill -9 (embedded Postgres, child process, real HTTP destination)', () => {
  let schema: TestSchema;
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    schema = await createTestSchema('act_crash');
    receiver = await ScriptedReceiver.start();
    receiver.respond('/crash', () => ({ status: 200, delayMs: 50 + Math.random() * 200 }));
  });

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await receiver?.close();
    await schema?.drop();
  });

  const startWorker = async () => {
    const child = await ServiceChildProcess.launch({
      service: 'activation-dispatcher',
      entry: 'test-support/delivery-worker.main.ts',
      database: schema,
      brokers: ['127.0.0.1:9'],
      shortKafkaSessions: false,
    });
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${child.port}/readyz`).catch(() => null))?.status === 200 ? true : undefined),
      60_000,
      `worker ready (${child.output()})`,
    );
    return child;
  };
  const delivered = async () =>
    Number((await schema.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`)).rows[0].n);

  it('delivers every delivery exactly once by idempotency key across repeated SIGKILLs, in order per profile', async () => {
    let running = await startWorker();
    await schema.pool.query(
      `INSERT INTO destinations (destination_id, name, kind, config, secrets, concurrency, batch_size) VALUES ('d-crash', 'crash', 'webhook', $1, $2, 2, 10)`,
      [JSON.stringify({ url: receiver.url('/crash'), batchSize: 10 }), JSON.stringify({ signingSecret: TEST_SIGNING_SECRET })],
    );
    const ids: string[] = [];
    const profiles: string[] = [];
    for (let change = 0; change < CHANGES_PER_PROFILE; change++) {
      for (let p = 0; p < PROFILES; p++) {
        ids.push(`c${p}-${change}`);
        profiles.push(`p${p}`);
      }
    }
    await schema.pool.query(
      `INSERT INTO deliveries (delivery_id, destination_id, sync_id, profile_id, action, payload)
       SELECT u.id, 'd-crash', 'sync', u.profile, 'add', jsonb_build_object('deliveryId', u.id, 'profileId', u.profile, 'action', 'add', 'syncId', 'sync', 'occurredAt', now(), 'identifiers', '{}'::jsonb, 'fields', '{}'::jsonb)
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(id, profile, n) ORDER BY u.n`,
      [ids, profiles],
    );

    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = await delivered();
      await eventually(async () => ((await delivered()) > before ? true : undefined), 60_000, 'progress before the kill');
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 500)); // a random instant, mid-batch most likely
      expect((await running.kill('SIGKILL')).signal).toBe('SIGKILL');
      progress.push(await delivered());
      running = await startWorker();
    }
    await eventually(async () => ((await delivered()) === TOTAL ? true : undefined), 120_000, 'every delivery delivered');
    await running.stop();

    const requests = receiver.requests('/crash');
    const keys = receiver.keysByDelivery('/crash');
    const underTwoKeys = [...keys].filter(([, k]) => k.size !== 1).map(([id, k]) => `${id}: ${[...k].join(',')}`);
    expect(underTwoKeys).toEqual([]);
    expect(keys.size).toBe(TOTAL);
    // a resent batch is the same batch: the same records under its key
    const itemsByKey = new Map<string, string>();
    for (const r of requests) {
      const items = r.items.map((i) => i.deliveryId).join(',');
      expect([r.idempotencyKey, itemsByKey.get(r.idempotencyKey) ?? items]).toEqual([r.idempotencyKey, items]);
      itemsByKey.set(r.idempotencyKey, items);
    }
    const resent = requests.length - itemsByKey.size;
    const abandoned = Number(
      (await schema.pool.query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE outcome = 'abandoned'`)).rows[0].n,
    );
    console.log(
      `delivery crash: ${TOTAL} deliveries in ${itemsByKey.size} batches, ${requests.length} requests (${resent} resent after a kill), ${abandoned} attempts abandoned by a killed worker; delivered at each kill: ${progress.join(', ')}`,
    );
    expect(progress.some((n) => n > 0 && n < TOTAL)).toBe(true);
    expect(abandoned).toBeGreaterThan(0); // a kill did land mid-batch

    const firstSeen = [...new Set(requests.flatMap((r) => r.items.map((i) => i.deliveryId)))];
    for (let p = 0; p < PROFILES; p++) {
      const order = firstSeen.filter((id) => id.startsWith(`c${p}-`));
      expect(order).toEqual(Array.from({ length: CHANGES_PER_PROFILE }, (_, c) => `c${p}-${c}`));
    }
    const statuses = await schema.pool.query(`SELECT status, count(*)::int AS n FROM deliveries GROUP BY status`);
    expect(statuses.rows).toEqual([{ status: 'delivered', n: TOTAL }]);
  }, 300_000);
});
