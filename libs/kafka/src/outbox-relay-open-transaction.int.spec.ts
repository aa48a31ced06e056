import {
  createTestSchema,
  createTestTopics,
  eventually,
  OpenWritingTransaction,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { BatchingProducer } from './batching-producer';
import { OutboxRelay, type OutboxPublisher } from './outbox-relay';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { writeOutboxAs } from './test-support/outbox-writes';

const POLL_MS = 1_000;
const WRITES = 8;

/** Passes rounds to the producer and notes when the broker acknowledged each message (by its value). */
class AckClock implements OutboxPublisher {
  readonly ackedAt = new Map<string, number>();

  constructor(private readonly producer: BatchingProducer) {}

  async sendBatch(topicMessages: { topic: string; messages: Message[] }[], options?: { immediate?: boolean }): Promise<void> {
    await this.producer.sendBatch(topicMessages, options);
    const now = Date.now();
    for (const { messages } of topicMessages) for (const m of messages) this.ackedAt.set(String(m.value), now);
  }
}

/**
 * A writing transaction left open in another schema of the same Postgres (an analytics job, a stuck session of
 * another service) must not hold this service's outbox back: what commits after it opened reaches Kafka within
 * one poll interval while it is still open.
 */
describe('outbox relay beside a long transaction in another schema (embedded broker + Postgres)', () => {
  let broker: TestBroker;
  let db: TestSchema;
  let other: TestSchema;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'open-tx-test', brokers: broker.brokers, logLevel: logLevel.WARN });
    db = await createTestSchema('kafka_open_tx');
    other = await createTestSchema('kafka_other');
    await installKafkaTables(db.pool);
    await createTestTopics(broker.brokers, [{ topic: 'open-tx.out', numPartitions: 2 }]);
  });

  afterAll(async () => {
    await db?.drop();
    await other?.drop();
    await broker?.stop();
  });

  it('publishes what commits while the other transaction stays open, each within one poll', async () => {
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    const clock = new AckClock(producer);
    const relay = new OutboxRelay({ pool: db.pool, publisher: clock, pollIntervalMs: POLL_MS });
    await relay.start();
    const open = await OpenWritingTransaction.begin(other.pool, 'busy');
    try {
      const latencies: number[] = [];
      for (let i = 0; i < WRITES; i++) {
        const value = `m${i}`;
        await writeOutboxAs(db.pool, [{ topic: 'open-tx.out', message: { key: `k${i}`, value } }]);
        const committedAt = Date.now();
        await eventually(() => clock.ackedAt.has(value), 5 * POLL_MS, 'condition', 5);
        latencies.push(clock.ackedAt.get(value)! - committedAt);
        await new Promise((r) => setTimeout(r, 250));
      }
      // It was open, holding a transaction id, the whole time.
      expect(await open.stillOpen(db.pool)).toBe(true);
      expect(Math.max(...latencies)).toBeLessThan(POLL_MS);
    } finally {
      await open.rollback();
      await relay.stop();
      await producer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('open-tx.out');
    await admin.disconnect();
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(WRITES);
  }, 60_000);
});
