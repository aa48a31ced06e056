import { createTestProducer, createTestTopics, eventually, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import type { ConsumedBatch } from './consumed-batch';
import { DelayingKafkaProxy, OFFSET_COMMIT_API_KEY } from './test-support/delaying-kafka-proxy';

const TOPIC = 'runner.commit';
const GROUP = 'runner-commit';
/** How long the proxy holds every OffsetCommit answer. */
const COMMIT_DELAY_MS = 2_000;

/**
 * The Kafka offset commit is not on a caught-up consumer's fetch-to-fetch path: with the broker's OffsetCommit
 * answers held back, the next message is still handled at once, and a graceful stop still leaves Kafka's committed
 * offset at the end of what was handled.
 */
describe('BatchConsumerRunner: Kafka commits off the fetch path (real broker behind a slow-commit proxy)', () => {
  let broker: TestBroker;
  let proxy: DelayingKafkaProxy;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, [TOPIC]);
    proxy = await DelayingKafkaProxy.start(broker.brokers[0], OFFSET_COMMIT_API_KEY, COMMIT_DELAY_MS);
    producer = createTestProducer(broker.brokers, 'runner-commit-producer');
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await proxy?.close();
    await broker?.stop();
  });

  it('handles the next message without waiting for the last slice Kafka commit, and stop() waits for it', async () => {
    const handled: { value: string; at: number }[] = [];
    const kafka = new Kafka({
      clientId: 'runner-commit',
      brokers: broker.brokers,
      socketFactory: proxy.socketFactory,
      logLevel: logLevel.NOTHING,
    });
    const runner = new BatchConsumerRunner({
      kafka,
      groupId: GROUP,
      topics: [TOPIC],
      service: 'runner_commit_test',
      registry: new Registry(),
      maxWaitTimeMs: 100,
      handler: async (batch: ConsumedBatch) => {
        for (const m of batch.messages) handled.push({ value: m.value?.toString() ?? '', at: Date.now() });
      },
    });
    await runner.start();
    try {
      await producer.send({ topic: TOPIC, messages: [{ value: 'first' }] });
      await eventually(() => handled.length === 1, 30_000, 'the first message handled');
      const sentAt = Date.now();
      await producer.send({ topic: TOPIC, messages: [{ value: 'second' }] });
      await eventually(() => handled.length === 2, 30_000, 'the second message handled');
      // Behind a commit held 2 s, a fetch loop that waited for it would handle the second no sooner than that.
      expect(handled[1].at - sentAt).toBeLessThan(COMMIT_DELAY_MS / 2);
      expect(proxy.requests.get(OFFSET_COMMIT_API_KEY)).toBeGreaterThanOrEqual(1);
    } finally {
      await runner.stop();
    }
    const admin = new Kafka({ clientId: 'runner-commit-admin', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
      expect(offsets.partitions).toEqual([{ partition: 0, offset: '2', metadata: null }]);
    } finally {
      await admin.disconnect();
    }
  });
});
