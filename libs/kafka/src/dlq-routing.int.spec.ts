import { decode, Topics } from '@tessera/contracts';
import { createTestSchema, createTestTopics, eventually, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { headerToString, MessageHeaders } from './message-headers';
import { OutboxRelay } from './outbox-relay';
import { dlq, ok, type StepResult } from './step-result';
import { installKafkaTables } from './test-support/kafka-test-schema';

interface Order {
  id: number;
  currency: string;
}

function decodeOrder(bytes: Buffer | null): StepResult<Order> {
  const parsed = JSON.parse(bytes?.toString() ?? ''); // a throw here is dead-lettered as undecodable
  return ok(parsed as Order);
}

function checkCurrency(order: Order): StepResult<Order> {
  return /^[A-Z]{3}$/.test(order.currency) ? ok(order) : dlq('invalid_currency', `"${order.currency}" is not ISO 4217`, 'currency');
}

/**
 * Poison input on a single partition: undecodable bytes and a contract violation go to cdp.events.rejected with
 * their typed reason and the original bytes, and every message after them is still applied.
 */
describe('typed DLQ routing (embedded broker + Postgres)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'dlq-test', brokers: broker.brokers, logLevel: logLevel.WARN });
    db = await createTestSchema('kafka_dlq');
    await installKafkaTables(db.pool, ['CREATE TABLE orders (id integer PRIMARY KEY, currency text NOT NULL)']);
    await createTestTopics(broker.brokers, ['orders', 'orders.accepted', Topics.EventsRejected]);
  });

  afterAll(async () => {
    await db?.drop();
    await broker?.stop();
  });

  it('dead-letters poison with its reason while the rest of the partition flows', async () => {
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    const poisonBytes = Buffer.from([0xc3, 0x01, 0x00, 0xff, 0x7b]);
    const values: (string | Buffer)[] = [
      '{"id":1,"currency":"EUR"}',
      poisonBytes,
      '{"id":2,"currency":"USD"}',
      '{"id":3,"currency":"euro"}',
      '{"id":4,"currency":"GBP"}',
      '{"id":5,"currency":"JPY"}',
    ];
    await producer.send(
      'orders',
      values.map((value, i) => ({ key: `o${i}`, value })),
    );

    const registry = new Registry();
    const processor = new ExactlyOnceProcessor<Order>({
      pool: db.pool,
      groupId: 'orders-app',
      service: 'dlq_test',
      decode: (m) => decodeOrder(m.value),
      apply: async (ctx) => {
        const accepted: Order[] = [];
        for (const record of ctx.records) {
          const order = ctx.route(record, checkCurrency(record.value));
          if (!order) continue;
          accepted.push(order);
          ctx.emit('orders.accepted', { key: String(order.id), value: JSON.stringify(order) });
        }
        await ctx.tx.query('INSERT INTO orders (id, currency) SELECT * FROM unnest($1::int[], $2::text[])', [
          accepted.map((o) => o.id),
          accepted.map((o) => o.currency),
        ]);
      },
    });
    const runner = new BatchConsumerRunner({
      kafka,
      groupId: 'orders-app',
      topics: ['orders'],
      service: 'dlq_test',
      registry,
      handler: processor.handleBatch,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
    });
    const relay = new OutboxRelay({ pool: db.pool, publisher: producer, pollIntervalMs: 200 });
    await relay.start();
    await runner.start();

    const rejected: KafkaMessage[] = [];
    const accepted: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: 'dlq-reader', maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topics: [Topics.EventsRejected, 'orders.accepted'], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, message }) => void (topic === Topics.EventsRejected ? rejected : accepted).push(message),
    });
    try {
      await eventually(() => rejected.length >= 2 && accepted.length >= 4, 30_000);
    } finally {
      await reader.disconnect();
      await runner.stop();
      await relay.stop();
      await producer.disconnect();
    }

    expect((await db.pool.query('SELECT id FROM orders ORDER BY id')).rows.map((r) => r.id)).toEqual([1, 2, 4, 5]);
    const envelopes = rejected.map((m) => decode(Topics.EventsRejected, m.value as Buffer));
    expect(envelopes.map((e) => [e.reason, e.original.topic, e.original.partition, e.original.offset])).toEqual([
      ['undecodable', 'orders', 0, 1],
      ['invalid_currency', 'orders', 0, 3],
    ]);
    expect(Buffer.from(envelopes[0].original.value)).toEqual(poisonBytes);
    expect(envelopes[0].detail).toMatch(/JSON/);
    expect(envelopes[1]).toMatchObject({ detail: '"euro" is not ISO 4217', path: 'currency', service: 'dlq_test' });
    expect(headerToString(rejected[1].headers?.[MessageHeaders.dlqReason])).toBe('invalid_currency');
    expect(String(rejected[1].key)).toBe('o3'); // keyed like the original

    const committed = await kafka.admin();
    await committed.connect();
    const [offsets] = await committed.fetchOffsets({ groupId: 'orders-app', topics: ['orders'] });
    await committed.disconnect();
    expect(offsets.partitions).toEqual([{ partition: 0, offset: '6', metadata: null }]);
    const counted = await registry.getSingleMetricAsString('tessera_dlq_test_consumer_messages_total');
    expect(counted).toContain('outcome="dlq"} 2');
    expect(counted).toContain('outcome="ok"} 4');
  }, 60_000);
});
