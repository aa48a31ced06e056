import { createTestTopics, eventually, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { BatchingProducer } from './batching-producer';

describe('BatchingProducer (embedded broker)', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'producer-test', brokers: broker.brokers, logLevel: logLevel.WARN });
    await createTestTopics(broker.brokers, [{ topic: 'coalesce', numPartitions: 3 }]);
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('turns 2,000 concurrent single-message sends into a handful of acked Produce requests, in order per key', async () => {
    const sender = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    let produceRequests = 0;
    sender.on(sender.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') produceRequests++;
    });
    const producer = new BatchingProducer({ sender });
    await producer.connect();
    const started = Date.now();
    await Promise.all(Array.from({ length: 2_000 }, (_, n) => producer.send('coalesce', [{ key: `k${n % 5}`, value: String(n) }])));
    const elapsedMs = Date.now() - started;
    await producer.disconnect();
    if (process.env.TESSERA_TEST_VERBOSE) console.log({ produceRequests, elapsedMs });
    expect(produceRequests).toBeLessThanOrEqual(20);

    const seen = new Map<string, number[]>();
    let total = 0;
    const consumer = kafka.consumer({ groupId: 'coalesce-check', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['coalesce'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        total++;
        const key = String(message.key);
        seen.set(key, [...(seen.get(key) ?? []), Number(String(message.value))]);
      },
    });
    try {
      await eventually(() => total >= 2_000, 20_000);
    } finally {
      await consumer.disconnect();
    }
    expect(total).toBe(2_000);
    for (const values of seen.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
  }, 60_000);
});
