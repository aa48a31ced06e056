import { Module } from '@nestjs/common';
import { loadServiceConfig } from '@tessera/config';
import { KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from '@tessera/kafka-nest';
import { createLogger } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { createTestSchema, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { bootstrapService, type RunningService } from './bootstrap-service';
import { DatabaseModule } from './database/database.module';
import { SERVICE_PG_POOL } from './database/database-module-options';
import { KafkaRuntimeTables1732230000000 } from './database/kafka-runtime-tables.migration';
import { MessagingModule } from './messaging/messaging.module';

@Module({ imports: [DatabaseModule.forService({ migrations: [KafkaRuntimeTables1732230000000] }), MessagingModule.forService()] })
class WiredAppModule {}

// The shared variables are validated by libs/config; this holds DatabaseModule and MessagingModule to actually use them.
describe('service-kit wiring of the validated configuration', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let service: RunningService | undefined;

  beforeAll(async () => {
    [broker, db] = await Promise.all([startTestBroker(), createTestSchema('service_kit_wiring')]);
    const config = loadServiceConfig('segment-evaluator', undefined, {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: db.schema,
      DATABASE_POOL_SIZE: '3',
      DATABASE_STATEMENT_TIMEOUT_MS: '1234',
      KAFKA_BROKERS: broker.brokers.join(','),
      KAFKA_CLIENT_ID: 'segments-blue',
      KAFKA_CONSUMER_SLICE_MESSAGES: '321',
      KAFKA_CONSUMER_FETCH_BYTES: '65536',
      KAFKA_CONSUMER_LINGER_MS: '35',
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '7000',
      TESSERA_ADMIN_TOKEN: 'test-admin-token',
    });
    service = await bootstrapService(WiredAppModule, {
      name: 'segment-evaluator',
      config,
      port: 0,
      host: '127.0.0.1',
      logger: createLogger({ service: 'segment-evaluator', level: 'silent' }),
      handleSignals: false,
    });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await db?.drop();
    await broker?.stop();
  });

  it('sizes the pool from DATABASE_POOL_SIZE and caps statements at DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const pool = service!.app.get<Pool>(SERVICE_PG_POOL);
    expect(pool.options.max).toBe(3);
    const { rows } = await pool.query<{ statement_timeout: string; search_path: string }>(
      "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('search_path') AS search_path",
    );
    expect(rows[0]).toEqual({ statement_timeout: '1234ms', search_path: db.schema });
  });

  it('gives the Kafka client KAFKA_CLIENT_ID and keeps the service name for metrics', () => {
    const options = service!.app.get<KafkaModuleOptions>(KAFKA_MODULE_OPTIONS);
    expect(options).toMatchObject({ service: 'segment-evaluator', clientId: 'segments-blue' });
  });

  it('gives every consumer KAFKA_CONSUMER_SLICE_MESSAGES, KAFKA_CONSUMER_FETCH_BYTES, KAFKA_CONSUMER_LINGER_MS and KAFKA_CONSUMER_SESSION_TIMEOUT_MS', () => {
    const options = service!.app.get<KafkaModuleOptions>(KAFKA_MODULE_OPTIONS);
    expect(options.consumerDefaults).toEqual({
      maxMessagesPerCall: 321,
      maxBytesPerPartition: 65_536,
      lingerMs: 35,
      sessionTimeoutMs: 7_000,
    });
  });
});
