import { TOPIC_SPECS } from '@tessera/contracts';
import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { AppModule } from './app.module';

describe('validation scaffold (embedded Postgres and broker, real HTTP)', () => {
  let schema: TestSchema;
  let broker: TestBroker;
  let service: RunningService;

  beforeAll(async () => {
    broker = await startTestBroker();
    // Every catalog topic, as the dev stack and the deploy files' create-topics provide them.
    await createTestTopics(broker.brokers, TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })));
    schema = await createTestSchema('validation');
    service = await startServiceForTest(AppModule, 'validation', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
  });

  afterAll(async () => {
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  it('migrates its own schema at start', async () => {
    const { rows } = await schema.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema.schema],
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['kafka_consumer_offsets', 'kafka_inbox', 'kafka_outbox', 'typeorm_migrations']),
    );
  });

  it('is ready, with the database check passing', async () => {
    const res = await fetch(`${service.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: 'validation', status: 'ready', checks: { database: { ok: true }, kafka: { ok: true } } });
  });

  it('serves liveness, metrics and its OpenAPI document', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain('service="validation"');
    const openapi = (await (await fetch(`${service.url}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(openapi.info.title).toBe('Tessera validation');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/tracking-plans/{sourceId}', '/v1/sources/{sourceId}/settings', '/v1/rejections', '/v1/rejections/replay', '/v1/reports/input-validation']),
    );
  });
});
