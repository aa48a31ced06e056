import { createTestSchema, createTestTopics, eventually, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { OutboxRelay } from './outbox-relay';
import { readOutboxMessages } from './outbox-rows';
import { ok } from './step-result';
import { runFixture, stopFixtures } from './test-support/int-helpers';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { writeOutboxAs } from './test-support/outbox-writes';

const ROWS = 1_000;
const FIRST_ROUND = 200;

/**
 * The relay's at-least-once window, for real: a relay process is SIGKILLed after the broker acknowledged a round
 * and before it deleted the rows, so the next relay publishes them again. Every row reaches the topic, the
 * topic holds that round's duplicates, and a downstream exactly-once consumer applies each row once.
 */
describe('outbox relay killed between publish and mark (embedded broker + Postgres)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'relay-test', brokers: broker.brokers, logLevel: logLevel.WARN });
    db = await createTestSchema('kafka_relay');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
    await createTestTopics(broker.brokers, [{ topic: 'relay.out', numPartitions: 2 }]);
  });

  afterAll(async () => {
    await stopFixtures();
    await db?.drop();
    await broker?.stop();
  });

  it('publishes every row, and the consumer side applies each once despite the republished round', async () => {
    const entries = Array.from({ length: ROWS }, (_, n) => ({ topic: 'relay.out', message: { key: `k${n % 20}`, value: String(n) } }));
    // 20 transactions, so a round takes a few packed rows (of 50 messages) and the republished round is a prefix.
    for (let at = 0; at < ROWS; at += 50) await writeOutboxAs(db.pool, entries.slice(at, at + 50));

    const crashed = runFixture('crashing-relay.fixture.ts', {
      BROKERS: broker.brokers.join(','),
      DATABASE_URL: db.url,
      SCHEMA: db.schema,
      BATCH_SIZE: String(FIRST_ROUND),
    });
    const exit = await crashed.exited;
    expect(exit.signal).toBe('SIGKILL');
    // A round takes whole packed rows until it has at least its budget of messages.
    const firstRound = Number(crashed.lines.map((line) => /^published (\d+)$/.exec(line)?.[1]).find(Boolean));
    expect(firstRound).toBeGreaterThanOrEqual(FIRST_ROUND);
    expect(firstRound).toBeLessThan(ROWS);
    expect(await readOutboxMessages(db.pool)).toHaveLength(ROWS);

    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    const relay = new OutboxRelay({ pool: db.pool, publisher: producer, batchSize: 300 });
    expect(await relay.drain()).toBe(ROWS);
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('relay.out');
    await admin.disconnect();
    const onTopic = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    expect(onTopic).toBe(ROWS + firstRound);

    const registry = new Registry();
    const processor = new ExactlyOnceProcessor<number>({
      pool: db.pool,
      groupId: 'downstream',
      service: 'relay_test',
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
      groupId: 'downstream',
      topics: ['relay.out'],
      service: 'relay_test',
      registry,
      handler: processor.handleBatch,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
    });
    await runner.start();
    try {
      await eventually(async () => {
        const { rows } = await db.pool.query(
          "SELECT coalesce(sum(next_offset), 0)::int AS n FROM kafka_consumer_offsets WHERE group_id = 'downstream'",
        );
        return rows[0].n === onTopic;
      }, 30_000);
    } finally {
      await runner.stop();
    }
    const { rows } = await db.pool.query('SELECT count(*)::int AS n, max(times) AS max_times FROM applied');
    expect(rows[0]).toEqual({ n: ROWS, max_times: 1 });
    const metrics = await registry.getSingleMetricAsString('tessera_relay_test_consumer_messages_total');
    expect(metrics).toContain(`outcome="duplicate"} ${firstRound}`);
    expect(metrics).toContain(`outcome="ok"} ${ROWS}`);
  }, 90_000);
});
