import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  BatchingProducer,
  kafkaRuntimeDdl,
  readOutboxMessages,
  ok,
  type ApplyContext,
  type InboundMessage,
  type StepResult,
} from '@tessera/kafka';
import { createTestSchema, startTestBroker, type TestBroker, type TestSchema, eventually } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { KafkaBatchConsumer, type KafkaBatchApplier } from './kafka-batch-consumer.decorator';
import { KafkaLifecycle } from './kafka-lifecycle.service';
import { KafkaModule } from './kafka.module';

@Injectable()
@KafkaBatchConsumer({ groupId: 'nest-doubler', topics: ['nest.in'] })
class DoublerConsumer implements KafkaBatchApplier<number> {
  decode(message: InboundMessage): StepResult<number> {
    return ok(Number(message.value?.toString()));
  }

  async apply(ctx: ApplyContext<number>): Promise<void> {
    const numbers = ctx.records.map((r) => r.value);
    await ctx.tx.query('INSERT INTO doubled (n, twice) SELECT n, n * 2 FROM unnest($1::int[]) AS n', [numbers]);
    for (const n of numbers) ctx.emit('nest.out', { key: String(n), value: String(n * 2) });
  }
}

/** The clientId a broker reports for a group's members is the one the kafkajs client was created with. */
async function expectGroupClientIds(brokers: string[], groupId: string, clientId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'client-id-check', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0].members.length).toBeGreaterThan(0);
    expect(groups[0].members.map((member) => member.clientId)).toEqual(groups[0].members.map(() => clientId));
  } finally {
    await admin.disconnect();
  }
}

describe('KafkaModule (Nest adapter over the embedded broker)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    broker = await startTestBroker();
    db = await createTestSchema('kafka_nest');
    for (const statement of [...kafkaRuntimeDdl(), 'CREATE TABLE doubled (n integer PRIMARY KEY, twice integer NOT NULL)'])
      await db.pool.query(statement);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await broker?.stop();
  });

  it('starts the declared consumer, the relay and the producer with the app, and stops them with it', async () => {
    @Module({
      imports: [
        KafkaModule.forRoot({
          service: 'nest_test',
          clientId: 'nest-test-client',
          brokers: broker.brokers,
          registry: new Registry(),
          pool: db.pool,
          consumerDefaults: { heartbeatIntervalMs: 500 },
          ensureTopics: [
            { name: 'nest.in', partitions: 2 },
            { name: 'nest.out', partitions: 1 },
          ],
        }),
      ],
      providers: [DoublerConsumer],
    })
    class AppModule {}

    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.init();
    const producer = app.get(BatchingProducer);
    await Promise.all(Array.from({ length: 100 }, (_, n) => producer.send('nest.in', [{ key: `k${n % 7}`, value: String(n) }])));

    const lifecycle = app.get(KafkaLifecycle);
    const applied = async (): Promise<number> => (await db.pool.query('SELECT count(*)::int AS n FROM doubled')).rows[0].n;
    await eventually(async () => (await applied()) >= 100, 30_000, '100 rows doubled');
    expect(await applied()).toBe(100);
    expect(lifecycle.isReady()).toBe(true);
    await expectGroupClientIds(broker.brokers, 'nest-doubler', 'nest-test-client');

    await app.close();
    app = undefined;

    const admin = new Kafka({ clientId: 'check', brokers: broker.brokers, logLevel: logLevel.WARN }).admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: 'nest-doubler', topics: ['nest.in'] });
      expect(committed.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(100);
      const out = await admin.fetchTopicOffsets('nest.out');
      expect(out.reduce((sum, p) => sum + Number(p.high), 0)).toBe(100);
    } finally {
      await admin.disconnect();
    }
    expect(await readOutboxMessages(db.pool)).toEqual([]);
  }, 60_000);
});
