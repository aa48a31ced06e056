import { TOPIC_SPECS } from '@tessera/contracts';
import {
  CHILD_SERVICE_TOKENS,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startDedicatedPostgres,
  startTestBroker,
  type DedicatedPostgres,
  type TestBroker,
} from '@tessera/testing';
import { Pool } from 'pg';
import { assertAlive, IngestLoad, readyz, waitForReadiness } from '../test-support/outage-harness';

const SERVICES = ['ingest-gateway', 'validation', 'identity-resolver', 'profile-merger'] as const;
type Name = (typeof SERVICES)[number];
const WRITE_KEY = 'database-outage-write-key';
const EVENT = 'Outage Probe';
const OUTAGE_MS = 20_000;
/** Shorter than the outage, so the gateway's cache entry expires while the database is down. */
const SOURCE_CACHE_TTL_MS = 3_000;
/** Events the merger has counted before the kill (about 3 s into a stream of about 200 events/s). */
const KILL_AFTER_MERGED = 500;

/**
 * Issue 12, fault 1 (and 3): kill -9 of the Postgres postmaster while events stream through the gateway, the
 * validator, the resolver and the merger (real main.ts, child processes), and a restart 20 s later on the same
 * port and data directory. Postgres is this test's own (startDedicatedPostgres), not the shared jest one.
 * Every service must still be the same process afterwards, report the database in /readyz while it is gone,
 * recover without a restart, and every event the gateway accepted must be counted exactly once in the merger.
 */
describe('database outage under load (kill -9 of Postgres, restart after 20 s)', () => {
  let postgres: DedicatedPostgres;
  let broker: TestBroker;
  let mergerPool: Pool;
  const services = new Map<Name, ServiceChildProcess>();

  beforeAll(async () => {
    [postgres, broker] = await Promise.all([startDedicatedPostgres(), startTestBroker()]);
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    for (const name of SERVICES) {
      const env: Record<string, string> = { LOG_LEVEL: 'warn', KAFKA_CONSUMER_SLICE_MESSAGES: '200' };
      if (name === 'ingest-gateway')
        Object.assign(env, { TESSERA_DEV_WRITE_KEY: WRITE_KEY, INGEST_SOURCE_CACHE_TTL_MS: String(SOURCE_CACHE_TTL_MS) });
      services.set(
        name,
        await ServiceChildProcess.launch({
          service: name,
          database: { url: postgres.url, schema: `outage_${name.replace(/-/g, '_')}` },
          brokers: broker.brokers,
          env,
        }),
      );
    }
    await Promise.all(
      SERVICES.map((name) => waitForReadiness(name, services.get(name)!, (a) => a.status === 200, 120_000, 'ready at start')),
    );
    mergerPool = new Pool({ connectionString: postgres.url, options: '-c search_path=outage_profile_merger', max: 2 });
    mergerPool.on('error', () => undefined);
  }, 180_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await mergerPool?.end().catch(() => undefined);
    await broker?.stop();
    await postgres?.destroy();
  });

  /** user id -> how many Outage Probe events the merger counted on that user's profile. */
  async function mergerCounts(): Promise<Map<string, number>> {
    const { rows } = await mergerPool.query<{ user_id: string; n: string }>(
      `SELECT i.id_value AS user_id, c.event_count AS n
         FROM profile_event_counts c JOIN profile_identifiers i ON i.profile_id = c.profile_id AND i.id_type = 'user_id'
        WHERE c.event_name = $1`,
      [EVENT],
    );
    return new Map(rows.map((row) => [row.user_id, Number(row.n)]));
  }

  const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
  const checkAlive = (): void => SERVICES.forEach((name) => assertAlive(name, services.get(name)!));

  it('keeps every process, reports the database in /readyz, resumes by itself, and counts every event exactly once', async () => {
    const pids = new Map(SERVICES.map((name) => [name, services.get(name)!.pid]));
    const gateway = services.get('ingest-gateway')!;
    const load = new IngestLoad(`http://127.0.0.1:${gateway.port}`, WRITE_KEY, EVENT, { users: 50, batchSize: 20, intervalMs: 100 });
    load.start();
    const figures: Record<string, unknown> = {};
    let restartedAt = 0;
    try {
      // Under load: events are streaming through every service when Postgres dies.
      await eventually(
        async () => {
          checkAlive();
          return total(await mergerCounts()) >= KILL_AFTER_MERGED ? true : undefined;
        },
        60_000,
        `${KILL_AFTER_MERGED} events through the whole pipeline`,
      );

      const acceptedAtKill = load.accepted.length;
      await postgres.kill();
      const killedAt = Date.now();

      // While it is down: every consumer reports the database; the gateway stays up and keeps accepting known keys.
      for (const name of ['validation', 'identity-resolver', 'profile-merger'] as const) {
        await waitForReadiness(
          name,
          services.get(name)!,
          (a) => a.status === 503 && a.failing.includes('database'),
          10_000,
          '/readyz 503 naming the database',
        );
      }
      // A read that needs the database is a 503 to retry, not a 500.
      const profile = await fetch(
        `http://127.0.0.1:${services.get('profile-merger')!.port}/v1/profiles/00000000-0000-4000-8000-000000000000`,
        {
          headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.read}` },
        },
      );
      expect({ status: profile.status, retryAfter: profile.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
      const sources = await fetch(`http://127.0.0.1:${gateway.port}/v1/sources`, {
        headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.admin}` },
      });
      expect({ status: sources.status, retryAfter: sources.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
      const gatewayDuringOutage = await readyz(gateway);
      // The database does not take the gateway out of the load balancer (its kafka check is not this test's business).
      expect(gatewayDuringOutage.failing).not.toContain('database');
      expect(gatewayDuringOutage.body.degraded).toEqual(['database']);
      await new Promise((resolve) => setTimeout(resolve, SOURCE_CACHE_TTL_MS + 500)); // the cached write key is past its TTL now
      const acceptedBeforeLateOutage = load.accepted.length;
      figures.acceptedBeforeKill = acceptedAtKill;
      await eventually(
        async () => {
          checkAlive();
          return load.accepted.length > acceptedBeforeLateOutage ? true : undefined;
        },
        10_000,
        'the gateway accepting calls from its last good source cache while Postgres is down',
      );

      while (Date.now() - killedAt < OUTAGE_MS) {
        checkAlive();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      checkAlive();
      figures.acceptedDuringOutage = load.accepted.length - acceptedAtKill;
      await postgres.restart();
      restartedAt = Date.now();

      await Promise.all(
        SERVICES.map((name) =>
          waitForReadiness(
            name,
            services.get(name)!,
            (a) => a.status === 200 && (a.body.degraded as string[]).length === 0,
            45_000,
            'ready again after Postgres came back',
          ),
        ),
      );
      figures.allReadyAfterRestartMs = Date.now() - restartedAt;
    } finally {
      await load.stop();
    }

    const expected = new Map<string, number>();
    for (const e of load.accepted) expected.set(e.userId, (expected.get(e.userId) ?? 0) + 1);
    await eventually(
      async () => {
        checkAlive();
        return total(await mergerCounts()) >= load.accepted.length ? true : undefined;
      },
      60_000,
      `${load.accepted.length} events counted by the merger`,
    );
    figures.caughtUpAfterRestartMs = Date.now() - restartedAt;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a doubled event would arrive right behind
    Object.assign(figures, { accepted: load.accepted.length, gatewayAnswers: Object.fromEntries(load.answers) });
    if (process.env.TESSERA_TEST_VERBOSE) console.log(figures);

    expect(Object.fromEntries(await mergerCounts())).toEqual(Object.fromEntries(expected));
    expect(load.accepted.length).toBeGreaterThan(0);
    for (const name of SERVICES) {
      expect(services.get(name)!.exitStatus).toBeUndefined();
      expect(services.get(name)!.pid).toBe(pids.get(name));
    }
  }, 240_000);
});
