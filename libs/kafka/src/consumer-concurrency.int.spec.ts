import { createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from './batch-consumer-runner';
import { BatchingProducer } from './batching-producer';
import { waitFor } from './test-support/int-helpers';

const PARTITIONS = 6;

/**
 * kafkajs fetches again only after every partition of the last fetch was handled: handling them two at a time made
 * a message that arrived meanwhile wait for three rounds of slices. By default a runner handles the six partitions
 * of a contract topic at once.
 */
describe('BatchConsumerRunner concurrency (embedded broker)', () => {
  let broker: TestBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({ clientId: 'concurrency-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    await createTestTopics(broker.brokers, [{ topic: 'cc.in', numPartitions: PARTITIONS }]);
    const producer = new BatchingProducer({ kafka });
    await producer.connect();
    await producer.sendBatch([{ topic: 'cc.in', messages: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, value: String(p) })) }]);
    await producer.disconnect();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('handles the six partitions of one fetch at once by default', async () => {
    let inFlight = 0;
    let most = 0;
    let handled = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const runner = new BatchConsumerRunner({
      kafka, groupId: 'cc', topics: ['cc.in'], service: 'cc_test', registry: new Registry(),
      handler: async () => {
        most = Math.max(most, ++inFlight);
        if (inFlight === PARTITIONS) release();
        // Hold every slice until all six are in hand, or long enough to show that they never will be.
        await Promise.race([released, new Promise((r) => setTimeout(r, 2_000))]);
        inFlight -= 1;
        handled += 1;
      },
    });
    await runner.start();
    try {
      await waitFor(async () => handled >= PARTITIONS, 60_000);
      expect(most).toBe(PARTITIONS);
    } finally {
      await runner.stop();
    }
  });
});
