import { createTestSchema, createTestTopics, eventually, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { ok } from './step-result';
import { installKafkaTables } from './test-support/kafka-test-schema';

const TOTAL = 3_000;

/**
 * Rebalances while batches are in flight: a second instance joins mid-stream, then the first one stops
 * gracefully mid-stream. Each message is still applied exactly once, and the lag gauge ends at zero.
 */
describe('rebalance-safe consumption (embedded broker + Postgres)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'rebalance-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    db = await createTestSchema('kafka_rebalance');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
    await createTestTopics(broker.brokers, [{ topic: 'rb.in', numPartitions: 4 }, 'slow.in']);
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    await producer.send(
      'rb.in',
      Array.from({ length: TOTAL }, (_, n) => ({ key: `u${n % 31}`, value: String(n) })),
    );
    await producer.disconnect();
  });

  afterAll(async () => {
    await db?.drop();
    await broker?.stop();
  });

  function instance(registry: Registry): BatchConsumerRunner {
    const processor = new ExactlyOnceProcessor<number>({
      pool: db.pool,
      groupId: 'rb',
      service: 'rb_test',
      decode: (m) => ok(Number(m.value?.toString())),
      apply: async (ctx) => {
        await ctx.tx.query(
          `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
          [ctx.records.map((r) => r.value)],
        );
        await ctx.tx.query('SELECT pg_sleep(0.05)');
      },
    });
    return new BatchConsumerRunner({
      kafka,
      groupId: 'rb',
      topics: ['rb.in'],
      service: 'rb_test',
      registry,
      handler: processor.handleBatch,
      maxMessagesPerCall: 20,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 10_000,
    });
  }

  it('applies each message once while instances join and leave mid-stream', async () => {
    const applied = async () => Number((await db.pool.query('SELECT count(*) AS n FROM applied')).rows[0].n);
    const registryA = new Registry();
    const registryB = new Registry();
    const a = instance(registryA);
    const b = instance(registryB);
    await a.start();
    await eventually(async () => (await applied()) >= 200, 20_000);
    await b.start(); // rebalance #1, with A inside a slice
    await eventually(async () => (await applied()) >= 800, 30_000);
    expect(await applied()).toBeLessThan(TOTAL);
    await a.stop(); // rebalance #2: A finishes and commits its slice, leaves; B takes everything
    await eventually(async () => (await applied()) >= TOTAL, 45_000);
    await b.stop();

    const { rows } = await db.pool.query('SELECT count(*)::int AS n, max(times) AS max_times FROM applied');
    expect(rows[0]).toEqual({ n: TOTAL, max_times: 1 });
    const okCount = async (r: Registry) => {
      const metric = (await r.getMetricsAsJSON()).find((m) => m.name === 'tessera_rb_test_consumer_messages_total');
      const series = (metric as unknown as { values: { value: number; labels: { outcome: string } }[] }).values;
      return series.filter((v) => v.labels.outcome === 'ok').reduce((sum, v) => sum + v.value, 0);
    };
    const [okA, okB] = [await okCount(registryA), await okCount(registryB)];
    expect(okA).toBeGreaterThan(0);
    expect(okB).toBeGreaterThan(0);
    expect(okA + okB).toBe(TOTAL);
    const lag = (await registryB.getMetricsAsJSON()).find((m) => m.name === 'tessera_rb_test_consumer_lag_messages');
    const values = (lag as unknown as { values: { value: number; labels: { partition: string } }[] }).values;
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v.value === 0)).toBe(true);
  }, 120_000);

  it('keeps its membership through a slice that takes longer than the session timeout', async () => {
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    await producer.send(
      'slow.in',
      Array.from({ length: 20 }, (_, n) => ({ value: String(n) })),
    );
    await producer.disconnect();
    const seen: string[] = [];
    const runner = new BatchConsumerRunner({
      kafka,
      groupId: 'slow',
      topics: ['slow.in'],
      service: 'slow_test',
      registry: new Registry(),
      sessionTimeoutMs: 1_500,
      heartbeatIntervalMs: 300,
      maxMessagesPerCall: 10,
      handler: async (batch) => {
        for (const m of batch.messages) seen.push(m.offset);
        await new Promise((r) => setTimeout(r, 2_500)); // longer than the session: only heartbeats keep it alive
      },
    });
    await runner.start();
    try {
      await eventually(() => seen.length >= 20, 20_000);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await runner.stop();
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => String(n))); // no slice redelivered
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: 'slow', topics: ['slow.in'] });
    await admin.disconnect();
    expect(committed.partitions[0].offset).toBe('20');
  }, 40_000);
});
