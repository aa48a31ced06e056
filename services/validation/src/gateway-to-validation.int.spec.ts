import { Topics } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import {
  createTestSchema,
  createTestTopics,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { AppModule } from './app.module';
import { eventually, TopicCollector } from '@tessera/testing';

const WRITE_KEY = 'e2e-dev-write-key';

/**
 * End to end through the real ingest gateway: it runs as its own process (services never import each other), the
 * way the dev stack starts it, and validation runs in-process; both on the embedded broker and Postgres.
 */
describe('gateway -> validation end to end (real HTTP, embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let gatewaySchema: TestSchema;
  let validationSchema: TestSchema;
  let gateway: ServiceChildProcess | undefined;
  let gatewayUrl: string;
  let validation: RunningService;
  let collector: TopicCollector;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, [
      Topics.EventsRaw,
      Topics.RecordsRaw,
      Topics.EventsValid,
      Topics.RecordsValid,
      Topics.EventsRejected,
    ]);
    [gatewaySchema, validationSchema] = await Promise.all([createTestSchema('e2e_gateway'), createTestSchema('e2e_validation')]);
    gateway = await ServiceChildProcess.launch({
      service: 'ingest-gateway',
      database: gatewaySchema,
      brokers: broker.brokers,
      env: { TESSERA_DEV_WRITE_KEY: WRITE_KEY, LOG_LEVEL: 'warn' },
      shortKafkaSessions: false,
    });
    gatewayUrl = `http://127.0.0.1:${gateway.port}`;
    validation = await startServiceForTest(AppModule, 'validation', {
      databaseUrl: validationSchema.url,
      schema: validationSchema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
    collector = new TopicCollector(broker.brokers, [Topics.EventsValid, Topics.EventsRejected]);
    await collector.start();
    await eventually(
      async () => {
        if (gateway?.exitStatus) throw new Error(`gateway exited with ${JSON.stringify(gateway.exitStatus)}: ${gateway.output()}`);
        const res = await fetch(`${gatewayUrl}/readyz`).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      60_000,
      'the gateway to be ready',
    );
  }, 90_000);

  afterAll(async () => {
    await collector?.stop();
    await gateway?.stop(15_000);
    await validation?.close();
    await Promise.all([gatewaySchema?.drop(), validationSchema?.drop()]);
    await broker?.stop();
  });

  it('a Segment batch comes out validated, normalized, deduplicated and with typed rejections', async () => {
    const run = Date.now();
    const id = (n: string) => `e2e-${run}-${n}`;
    const res = await fetch(`${gatewayUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}` },
      body: JSON.stringify({
        sentAt: new Date(Date.now() + 3_600_000 + 5_000).toISOString(), // device clock one hour fast
        batch: [
          {
            type: 'track',
            messageId: id('order'),
            userId: 'u-1',
            event: 'Order Completed',
            timestamp: new Date(Date.now() + 3_600_000).toISOString(),
            properties: { revenue: '9.99', currency: 'eur' },
          },
          { type: 'track', messageId: id('order'), userId: 'u-1', event: 'Order Completed', properties: { revenue: 9.99 } },
          { type: 'identify', messageId: id('identify'), userId: 'u-1', traits: { email: '  Ada@Example.COM' } },
          { type: 'identify', messageId: id('blocked'), userId: 'undefined' },
        ],
      }),
    });
    expect(res.status).toBe(200);

    const valid = await collector.waitFor(Topics.EventsValid, (v) => v.messageId.startsWith(`e2e-${run}`), 2, 30_000);
    const rejected = await collector.waitFor(Topics.EventsRejected, (v) => v.messageId === id('blocked'), 1, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(collector.all(Topics.EventsValid).filter((m) => m.value.messageId === id('order'))).toHaveLength(1);

    const order = valid.find((m) => m.value.messageId === id('order'))!.value;
    expect(order).toMatchObject({ sourceId: 'dev', revenue: 9.99, currency: 'EUR' });
    // Corrected to the server clock: about 5 s before receipt, not an hour ahead.
    expect(order.receivedAt - order.timestamp).toBeGreaterThan(4_000);
    expect(order.receivedAt - order.timestamp).toBeLessThan(6_000);
    const identify = valid.find((m) => m.value.messageId === id('identify'))!.value;
    expect(JSON.parse(identify.traits!).email).toBe('ada@example.com');
    expect(rejected[0].value).toMatchObject({ reason: 'missing_identity', path: 'userId', sourceId: 'dev' });
  }, 60_000);
});
