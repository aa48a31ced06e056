import { createTestTopics, eventually, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import type { ConsumedBatch } from './consumed-batch';

/**
 * The runner keeps fetching while a slice is handled: a message that arrives on one partition while another
 * partition's slice is still in its handler is handed over at once, not after that slice (kafkajs fetches again
 * only once every batch of the last fetch was handed back).
 */
describe('the runner fetches while slices are handled (embedded broker)', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: BatchingProducer;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'pipelining-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await createTestTopics(broker.brokers, [{ topic: 'pl.in', numPartitions: 2 }]);
    producer = new BatchingProducer({ kafka });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('hands over a later message of another partition while a slice is still in its handler, and keeps each partition in order', async () => {
    const handled: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const runner = new BatchConsumerRunner({
      kafka,
      groupId: 'pl',
      topics: ['pl.in'],
      service: 'pl_test',
      registry: new Registry(),
      maxWaitTimeMs: 100,
      handler: async (batch: ConsumedBatch) => {
        for (const m of batch.messages) handled.push(`${batch.partition}:${m.value?.toString()}`);
        if (batch.partition === 0 && batch.messages.some((m) => m.value?.toString() === 'slow')) await held;
      },
    });
    await runner.start();
    try {
      await producer.sendBatch([{ topic: 'pl.in', messages: [{ partition: 0, value: 'slow' }] }]);
      await eventually(() => handled.includes('0:slow'), 20_000);
      await producer.sendBatch([
        { topic: 'pl.in', messages: [{ partition: 1, value: 'quick' }] },
        { topic: 'pl.in', messages: [{ partition: 0, value: 'after-slow' }] },
      ]);
      // Partition 0's slice is still held: partition 1's message must come through anyway.
      await eventually(() => handled.includes('1:quick'), 10_000);
      expect(handled).not.toContain('0:after-slow');
      release();
      await eventually(() => handled.includes('0:after-slow'), 10_000);
    } finally {
      release();
      await runner.stop();
    }
    expect(handled.filter((h) => h.startsWith('0:'))).toEqual(['0:slow', '0:after-slow']);
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: 'pl', topics: ['pl.in'] });
    await admin.disconnect();
    expect(committed.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['2', '1']);
  }, 60_000);

  it('adds what is fetched while a slice waits to that slice, so one transaction takes everything that came in meanwhile', async () => {
    await createTestTopics(broker.brokers, [{ topic: 'pl.join', numPartitions: 1 }]);
    const slices: string[][] = [];
    const fetchedUpTo: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The runner's consumer, to see when kafkajs hands a fetched batch over (its START_BATCH_PROCESS event).
    const watched = Object.create(kafka) as Kafka;
    watched.consumer = (config) => {
      const consumer = kafka.consumer(config);
      consumer.on(consumer.events.START_BATCH_PROCESS, ({ payload }) => fetchedUpTo.push(payload.lastOffset));
      return consumer;
    };
    const runner = new BatchConsumerRunner({
      kafka: watched,
      groupId: 'pl-join',
      topics: ['pl.join'],
      service: 'pl_join_test',
      registry: new Registry(),
      maxWaitTimeMs: 100,
      handler: async (batch: ConsumedBatch) => {
        slices.push(batch.messages.map((m) => m.value?.toString() ?? ''));
        if (batch.messages.some((m) => m.value?.toString() === 'slow')) await held;
      },
    });
    await runner.start();
    try {
      await producer.sendBatch([{ topic: 'pl.join', messages: [{ value: 'slow' }] }]);
      await eventually(() => slices.length === 1, 20_000);
      await producer.sendBatch([{ topic: 'pl.join', messages: [{ value: 'a' }] }]);
      await eventually(() => fetchedUpTo.includes('1'), 10_000);
      await producer.sendBatch([{ topic: 'pl.join', messages: [{ value: 'b' }] }]);
      await eventually(() => fetchedUpTo.includes('2'), 10_000);
      release();
      await eventually(() => slices.flat().includes('b'), 10_000);
    } finally {
      release();
      await runner.stop();
    }
    expect(slices).toEqual([['slow'], ['a', 'b']]);
  }, 60_000);
});
