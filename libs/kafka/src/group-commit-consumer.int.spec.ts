import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema, eventually } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import type { SqlConnection } from './sql-client';
import { ok } from './step-result';
import { installKafkaTables } from './test-support/kafka-test-schema';

const PARTITIONS = 3;
const PER_PARTITION = 300;

/** The runner with its defaults hands a fetch's partitions over together, and the processor commits them as one. */
describe('group commit through the runner (embedded broker + Postgres)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'group-commit-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    db = await createTestSchema('kafka_group_runner');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
    await createTestTopics(broker.brokers, [{ topic: 'gc.in', numPartitions: PARTITIONS }]);
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const numbers = Array.from({ length: PER_PARTITION }, (_, i) => partition * PER_PARTITION + i);
      await producer.sendBatch([{ topic: 'gc.in', messages: numbers.map((n) => ({ partition, value: String(n) })) }]);
    }
    await producer.disconnect();
  });

  afterAll(async () => {
    await db?.drop();
    await broker?.stop();
  });

  it('applies every message once in fewer transactions than slices', async () => {
    let transactions = 0;
    let slices = 0;
    const processor = new ExactlyOnceProcessor<number>({
      pool: {
        connect: (): Promise<SqlConnection> => {
          transactions += 1;
          return db.pool.connect();
        },
      },
      groupId: 'gc',
      service: 'gc_test',
      groupCommitTransactions: 1,
      decode: (m) => ok(Number(m.value?.toString())),
      apply: async (ctx) => {
        await ctx.tx.query(
          `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
          [ctx.records.map((r) => r.value)],
        );
      },
    });
    const runner = new BatchConsumerRunner({
      kafka,
      groupId: 'gc',
      topics: ['gc.in'],
      service: 'gc_test',
      registry: new Registry(),
      maxMessagesPerCall: 100,
      handler: (batch) => {
        slices += 1;
        return processor.handleBatch(batch);
      },
    });
    await runner.start();
    try {
      const total = PARTITIONS * PER_PARTITION;
      const done = async () => (await db.pool.query('SELECT count(*)::int AS n FROM applied')).rows[0].n === total;
      await eventually(done, 30_000);
    } finally {
      await runner.stop();
    }
    const { rows } = await db.pool.query('SELECT count(*)::int AS n, max(times) AS most FROM applied');
    expect(rows[0]).toEqual({ n: PARTITIONS * PER_PARTITION, most: 1 });
    expect(slices).toBeGreaterThanOrEqual(PARTITIONS * 3);
    // Each fetch's slices share a transaction: with one per slice, transactions would equal slices.
    expect(transactions).toBeLessThanOrEqual(Math.ceil(slices / 2));
  });
});
