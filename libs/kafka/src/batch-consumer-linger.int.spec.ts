import { createTestTopics, eventually, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import type { ConsumedBatch } from './consumed-batch';

interface Seen {
  receivedAt: number;
  lastOffset: bigint;
  highWatermark: bigint;
}

/** The runner's linger: a caught-up partition is fetched again no sooner than lingerMs; a backlog and stop() are not held. */
describe('the consumer linger (embedded broker)', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: BatchingProducer;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'linger-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await createTestTopics(broker.brokers, ['linger.caught-up', 'linger.backlog', 'linger.stop']);
    producer = new BatchingProducer({ kafka });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  function runner(topic: string, lingerMs: number, seen: Seen[], extra: { maxBytesPerPartition?: number } = {}): BatchConsumerRunner {
    return new BatchConsumerRunner({
      kafka,
      groupId: `${topic}-group`,
      topics: [topic],
      service: 'linger_test',
      registry: new Registry(),
      lingerMs,
      ...extra,
      handler: async (batch: ConsumedBatch) => {
        seen.push({
          receivedAt: batch.receivedAt ?? NaN,
          lastOffset: BigInt(batch.messages[batch.messages.length - 1].offset),
          highWatermark: BigInt(batch.highWatermark),
        });
      },
    });
  }

  it('fetches a caught-up partition again no sooner than lingerMs after its last fetch', async () => {
    const seen: Seen[] = [];
    const consumer = runner('linger.caught-up', 1_000, seen);
    await consumer.start();
    try {
      for (let n = 0; n < 3; n++) {
        await producer.send('linger.caught-up', [{ value: String(n) }]);
        // Each message goes out once the last was handled, so every fetch finds the partition caught up.
        await eventually(() => seen.length > 0 && seen[seen.length - 1].lastOffset === BigInt(n), 15_000);
      }
    } finally {
      await consumer.stop();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i].receivedAt - seen[i - 1].receivedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('does not hold a fetch that left messages behind', async () => {
    // 20 record batches of ~20 KiB; a fetch of 16 KiB per partition takes one at a time, leaving the rest behind.
    for (let b = 0; b < 20; b++) {
      await producer.send(
        'linger.backlog',
        Array.from({ length: 100 }, (_, i) => ({ value: `${b * 100 + i}`.padStart(200, '0') })),
      );
    }
    const seen: Seen[] = [];
    const consumer = runner('linger.backlog', 10_000, seen, { maxBytesPerPartition: 16_384 });
    await consumer.start();
    try {
      await eventually(() => seen.length > 0 && seen[seen.length - 1].lastOffset === 1_999n, 30_000);
    } finally {
      await consumer.stop();
    }
    const fetches = [...new Set(seen.map((s) => s.receivedAt))];
    expect(fetches.length).toBeGreaterThan(2);
    // Every fetch but the last left messages behind, so none of them waited out the 10 s linger.
    expect(fetches[fetches.length - 1] - fetches[0]).toBeLessThan(10_000);
  });

  it('stop() does not wait out the linger', async () => {
    const seen: Seen[] = [];
    const consumer = runner('linger.stop', 60_000, seen);
    await consumer.start();
    await producer.send('linger.stop', [{ value: 'x' }]);
    await eventually(() => seen.length === 1, 15_000);
    const stopping = Date.now();
    await consumer.stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});
