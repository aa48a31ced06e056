import {
  createTestTopics,
  eventually,
  startDedicatedPostgres,
  startTestBroker,
  type DedicatedPostgres,
  type TestBroker,
} from '@tessera/testing';
import { Pool } from 'pg';
import { GatewayHarness, RAW_TOPICS, basicAuth, type CreatedSource } from '../test-support/gateway-harness';

const TTL_MS = 500;

/**
 * Issue 12, fault 3: with its Postgres stopped, the gateway never answers 500 when a write key's cache entry
 * expires. A key the database answered for within INGEST_SOURCE_CACHE_STALE_MS is served from the last good
 * entry, a key the cache cannot answer gets 503 + Retry-After, /readyz stays 200 with the database under
 * `degraded`, and everything is looked up afresh once Postgres is back.
 */
describe('ingest-gateway with its database stopped (dedicated embedded Postgres)', () => {
  let postgres: DedicatedPostgres;
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let known: CreatedSource;
  let neverUsed: CreatedSource;

  beforeAll(async () => {
    [postgres, broker] = await Promise.all([startDedicatedPostgres(), startTestBroker()]);
    await createTestTopics(broker.brokers, RAW_TOPICS);
    const pool = new Pool({ connectionString: postgres.url, max: 1 });
    pool.on('error', () => undefined);
    const schema = { url: postgres.url, schema: 'gateway_outage', pool, drop: () => pool.end() };
    gateway = await new GatewayHarness(broker.brokers, schema).start({
      INGEST_SOURCE_CACHE_TTL_MS: String(TTL_MS),
      INGEST_SOURCE_CACHE_STALE_MS: '600000',
      INGEST_RETRY_AFTER_SECONDS: '7',
    });
    known = await gateway.createSource('known before the outage');
    neverUsed = await gateway.createSource('never used before the outage');
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await broker?.stop();
    await postgres?.destroy();
  });

  const track = (writeKey: string, messageId: string) =>
    gateway.post('/v1/track', { event: 'Outage', userId: 'u-1', messageId }, { authorization: basicAuth(writeKey) });

  it('serves known keys from the last good cache, answers 503 + Retry-After for the others, and recovers', async () => {
    expect((await track(known.writeKey, 'before')).status).toBe(200);

    await postgres.shutdown();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2)); // every entry is past its TTL

    const served = await track(known.writeKey, 'during');
    expect(served.status).toBe(200);
    for (const key of [neverUsed.writeKey, 'not-a-key-anybody-has']) {
      const refused = await track(key, 'refused');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('7');
      expect(refused.json.message).toMatch(/database/i);
    }
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', degraded: ['database'], failing: [] });

    await postgres.restart();
    await eventually(
      async () => ((await track(neverUsed.writeKey, 'after')).status === 200 ? true : undefined),
      20_000,
      'the unknown key accepted after the restart',
    );
    const readyAgain = await fetch(`${gateway.url}/readyz`);
    expect(await readyAgain.json()).toMatchObject({ status: 'ready', degraded: [] });
  }, 90_000);
});
