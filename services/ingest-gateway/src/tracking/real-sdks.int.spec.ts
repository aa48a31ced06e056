import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { Topics } from '@tessera/contracts';
import {
  createTestSchema,
  createTestTopics,
  eventually,
  ServiceChildProcess,
  startTestBroker,
  TopicCollector,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayHarness, basicAuth, type CreatedSource } from '../test-support/gateway-harness';

/** What reached the gateway: the request line and headers of each call an SDK made, through a recording proxy. */
interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  status?: number;
}

/** Forwards every request to the gateway unchanged and notes its headers, so the test can show what an SDK really sends. */
function recordingProxy(target: () => string, seen: SeenRequest[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    seen.push(entry);
    const upstream = request(`${target()}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      entry.status = answer.statusCode;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/**
 * The real Segment and RudderStack Node SDKs, pointed at the gateway, with validation running as its own process on
 * the same broker: their events must come out of validation on cdp.events.valid. The RudderStack SDK 3.x sends
 * every batch gzipped with `Content-Type: application/x-www-form-urlencoded`: the gateway must read it as JSON on
 * /v1/batch and on the single-call routes.
 */
describe('real SDKs -> gateway -> validation -> cdp.events.valid (embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let validationSchema: TestSchema;
  let validation: ServiceChildProcess;
  let collector: TopicCollector;
  let proxy: { server: Server; url: string };
  let source: CreatedSource;
  const seen: SeenRequest[] = [];
  const run = Date.now();

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, [
      Topics.EventsRaw,
      Topics.RecordsRaw,
      Topics.EventsValid,
      Topics.RecordsValid,
      Topics.EventsRejected,
    ]);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('sdk_gateway')).start();
    source = await gateway.createSource('sdk apps');
    validationSchema = await createTestSchema('sdk_validation');
    validation = await ServiceChildProcess.launch({
      service: 'validation',
      database: validationSchema,
      brokers: broker.brokers,
      shortKafkaSessions: false,
    });
    collector = new TopicCollector(broker.brokers, [Topics.EventsValid, Topics.EventsRejected]);
    await collector.start();
    proxy = await recordingProxy(() => gateway.url, seen);
    await eventually(
      async () => {
        if (validation.exitStatus) throw new Error(`validation exited: ${validation.output()}`);
        const res = await fetch(`http://127.0.0.1:${validation.port}/readyz`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      60_000,
      'validation to be ready',
    );
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => proxy?.server.close(resolve));
    await collector?.stop();
    await validation?.stop();
    await gateway?.stop();
    await validationSchema?.drop();
    await broker?.stop();
  });

  it('@rudderstack/rudder-sdk-node: gzipped form-urlencoded batches are taken, and every call type comes out valid', async () => {
    const errors: unknown[] = [];
    // No persistence queue (that one needs Redis): the in-memory queue, flushed by hand.
    const rudder = new RudderAnalytics(source.writeKey, {
      dataPlaneUrl: proxy.url,
      flushAt: 100,
      flushInterval: 60_000,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (error) => errors.push(error),
    });
    const user = `rs-user-${run}`;
    const anon = `rs-anon-${run}`;
    rudder.identify({ userId: user, anonymousId: anon, traits: { email: `rs-${run}@example.com`, plan: 'pro' } });
    rudder.track({ userId: user, event: 'Order Completed', properties: { revenue: 42.5, currency: 'EUR', order_id: `rs-order-${run}` } });
    rudder.page({ userId: user, name: 'Pricing', properties: { path: '/pricing' } });
    rudder.screen({ userId: user, name: 'Settings' });
    rudder.group({ userId: user, groupId: `rs-account-${run}`, traits: { name: 'Acme' } });
    rudder.alias({ userId: user, previousId: anon });
    await rudder.flush();
    expect(errors).toEqual([]);

    const batches = seen.filter((r) => r.url === '/v1/batch' && r.headers['user-agent']?.startsWith('analytics-node/'));
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch).toMatchObject({
        method: 'POST',
        status: 200,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-encoding': 'gzip',
          authorization: basicAuth(source.writeKey),
        },
      });
    }

    const valid = await collector.waitFor(Topics.EventsValid, (e) => e.userId === user, 6, 30_000);
    expect(valid.map((m) => m.value.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    for (const { value } of valid) expect(value.sourceId).toBe(source.source.id);
    const order = valid.find((m) => m.value.type === 'track')!.value;
    expect(order).toMatchObject({ event: 'Order Completed', revenue: 42.5, currency: 'EUR' });
    const identify = valid.find((m) => m.value.type === 'identify')!.value;
    expect(JSON.parse(identify.traits!)).toMatchObject({ email: `rs-${run}@example.com`, plan: 'pro' });
    expect(
      collector.all(Topics.EventsRejected).filter((m) => m.value.messageId && valid.some((v) => v.value.messageId === m.value.messageId)),
    ).toEqual([]);
  }, 60_000);

  it('@segment/analytics-node: every call type comes out valid', async () => {
    const segment = new SegmentAnalytics({
      writeKey: source.writeKey,
      host: proxy.url,
      flushAt: 100,
      flushInterval: 60_000,
      maxRetries: 0,
    });
    const errors: unknown[] = [];
    segment.on('error', (error) => errors.push(error));
    const user = `seg-user-${run}`;
    const anon = `seg-anon-${run}`;
    const id = (call: string) => `seg-${run}-${call}`;
    segment.identify({ userId: user, anonymousId: anon, traits: { email: `seg-${run}@example.com` }, messageId: id('identify') });
    segment.track({ userId: user, event: 'Order Completed', properties: { revenue: 10, currency: 'USD' }, messageId: id('track') });
    segment.page({ userId: user, name: 'Home', properties: { path: '/' }, messageId: id('page') });
    segment.screen({ userId: user, name: 'Inbox', messageId: id('screen') });
    segment.group({ userId: user, groupId: `seg-account-${run}`, traits: { name: 'Initech' }, messageId: id('group') });
    segment.alias({ userId: user, previousId: anon, messageId: id('alias') });
    await segment.closeAndFlush({ timeout: 20_000 });
    expect(errors).toEqual([]);
    expect(
      seen.filter((r) => r.url === '/v1/batch' && r.headers['user-agent']?.startsWith('analytics-node-next')).map((r) => r.status),
    ).toEqual([200]);

    const valid = await collector.waitFor(Topics.EventsValid, (e) => e.messageId.startsWith(`seg-${run}-`), 6, 30_000);
    expect(valid.map((m) => m.value.messageId).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track'].map(id));
    for (const { value } of valid) expect(value).toMatchObject({ sourceId: source.source.id, userId: user });
    expect(valid.find((m) => m.value.type === 'track')!.value).toMatchObject({ event: 'Order Completed', revenue: 10, currency: 'USD' });
  }, 60_000);
});
