import { startBroker, type RunningBroker } from '@tessera/embedded-kafka';
import { createTestSchema, createTestTopics } from '@tessera/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayHarness, RAW_TOPICS, basicAuth } from '../test-support/gateway-harness';
import { TopicTail } from '../test-support/topic-tail';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('broker outage: 503 with Retry-After, then recovery without restarting the gateway', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-outage-kafka-'));
  let port: number;
  let broker: RunningBroker | undefined;
  let gateway: GatewayHarness;
  let auth: Record<string, string>;

  const start = async () => {
    broker = await startBroker({ port, dataDir, groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
  };

  beforeAll(async () => {
    port = await freePort();
    await start();
    const brokers = [`127.0.0.1:${port}`];
    await createTestTopics(brokers, RAW_TOPICS);
    gateway = await new GatewayHarness(brokers, await createTestSchema('ingest_gateway')).start(
      {
        INGEST_ACK_TIMEOUT_MS: '1500',
        INGEST_RETRY_AFTER_SECONDS: '2',
      },
      'silent',
    );
    auth = { authorization: basicAuth((await gateway.createSource('outage')).writeKey) };
  });

  afterAll(async () => {
    await gateway?.stop();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('acknowledges nothing while the broker is down and serves again once it is back', async () => {
    const before = await gateway.post('/v1/track', { userId: 'u', event: 'Before', messageId: 'outage-before' }, auth);
    expect(before.status).toBe(200);

    await broker!.stop();
    broker = undefined;
    const started = Date.now();
    const during = await gateway.post('/v1/track', { userId: 'u', event: 'During', messageId: 'outage-during' }, auth);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('2');
    expect(during.json).toMatchObject({ statusCode: 503, error: 'Service Unavailable', path: '/v1/track' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const batchDuring = await gateway.post('/v1/batch', { batch: [{ type: 'track', userId: 'u', event: 'During batch' }] }, auth);
    expect(batchDuring.status).toBe(503);
    // Still answering everything else meanwhile.
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

    await start();
    const deadline = Date.now() + 60_000;
    let after = { status: 0 };
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      after = await gateway.post('/v1/track', { userId: 'u', event: 'After', messageId: `outage-after-${attempt}` }, auth);
      if (after.status === 200) break;
      expect(after.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(after.status).toBe(200);

    // What was acknowledged is on the topic, before and after the outage.
    const tail = new TopicTail();
    await tail.start([`127.0.0.1:${port}`]);
    try {
      await tail.waitFor(
        () => tail.eventsWith('outage-before').length === 1 && tail.eventsWith('outage-after-').length >= 1,
        'acknowledged events',
      );
    } finally {
      await tail.stop();
    }
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_ingest_gateway_events_rejected_total\{endpoint="track",reason="broker_unavailable"[^}]*\} [1-9]/);
  }, 120_000);
});
