import { createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { deliveryBatch, deliveryItem, itemsFrom, noAbort } from '../test-support/delivery-fixtures';
import { decodeDeliveryRecord } from './delivery-record-schema';
import { KafkaTopicAdapter } from './kafka-topic-adapter';

describe('KafkaTopicAdapter against the embedded broker', () => {
  let broker: TestBroker;
  const consumers: Consumer[] = [];
  const adapters: KafkaTopicAdapter[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, [{ topic: 'crm.audience.json', numPartitions: 3 }, 'crm.audience.avro']);
  });
  afterAll(async () => {
    for (const a of adapters) await a.close();
    for (const c of consumers) await c.disconnect();
    await broker.stop();
  });

  async function readBack(topic: string, count: number): Promise<KafkaMessage[]> {
    const kafka = new Kafka({ clientId: 'readback', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `readback-${topic}-${Date.now()}`, maxWaitTimeInMs: 50 });
    consumers.push(consumer);
    const got: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${count} messages on ${topic}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message);
          if (got.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return got;
  }

  const adapter = (topic: string, format: 'avro' | 'json') => {
    const a = new KafkaTopicAdapter('dest-k', { brokers: broker.brokers, topic, format, timeoutMs: 10_000 }, {});
    adapters.push(a);
    return a;
  };

  it('produces JSON keyed by profile id, one profile on one partition, with delivery-id headers', async () => {
    const json = adapter('crm.audience.json', 'json');
    const items = [...itemsFrom(1, 6), deliveryItem(7, { profileId: 'prof-1', action: 'remove', deliveryId: 'dlv-7' })];
    expect(await json.send(deliveryBatch('kb-1', items, 'dest-k'), noAbort())).toEqual({ outcome: 'delivered' });
    const messages = await readBack('crm.audience.json', 7);
    const byDelivery = new Map(messages.map((m) => [m.headers!['tessera-delivery-id']!.toString(), m]));
    expect([...byDelivery.keys()].sort()).toEqual(items.map((i) => i.deliveryId).sort());
    const seven = byDelivery.get('dlv-7')!;
    expect(seven.key!.toString()).toBe('prof-1');
    expect(JSON.parse(seven.value!.toString())).toMatchObject({
      deliveryId: 'dlv-7',
      profileId: 'prof-1',
      action: 'remove',
      batchId: 'kb-1',
      destinationId: 'dest-k',
    });
    expect(seven.headers!['content-type']!.toString()).toBe('application/json');
    expect(seven.headers!['tessera-batch-id']!.toString()).toBe('kb-1');
  });

  it('produces Avro single-object records a consumer decodes with the published schema', async () => {
    const avro = adapter('crm.audience.avro', 'avro');
    const item = deliveryItem(42, { fields: { plan: 'pro', score: 0.5 } });
    expect(await avro.send(deliveryBatch('kb-2', [item], 'dest-k'), noAbort())).toEqual({ outcome: 'delivered' });
    const [message] = await readBack('crm.audience.avro', 1);
    expect(message.value!.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    const record = decodeDeliveryRecord(message.value!);
    expect(record).toMatchObject({
      deliveryId: 'dlv-42',
      batchId: 'kb-2',
      profileId: 'prof-42',
      action: 'add',
      segmentId: 'seg-churn',
      identifiers: item.identifiers,
    });
    expect(new Date(record.occurredAt).toISOString()).toBe(item.occurredAt);
    expect(JSON.parse(record.fields)).toEqual({ plan: 'pro', score: 0.5 });
    expect(message.headers!['content-type']!.toString()).toBe('application/avro; encoding=single-object');
  });

  it('names a topic that does not exist (the test broker, like a production one, does not create topics)', async () => {
    const result = await adapter('crm.audience.missing', 'json').send(deliveryBatch('kb-4', itemsFrom(1, 1)), noAbort());
    expect(result).toMatchObject({
      outcome: 'retry',
      error: expect.stringMatching(/^topic "crm.audience.missing" does not exist on the cluster \(Tessera does not create it\)/),
    });
  });

  it('turns an unreachable cluster into a retry, and recovers when the brokers are there', async () => {
    const down = await startTestBroker();
    const brokers = down.brokers;
    await down.stop();
    const a = new KafkaTopicAdapter('dest-down', { brokers, topic: 'x', format: 'json', timeoutMs: 5_000 }, {});
    adapters.push(a);
    const result = await a.send(deliveryBatch('kb-3', itemsFrom(1, 1)), noAbort());
    expect(result.outcome).toBe('retry');
    expect((result as { error: string }).error).toMatch(/could not produce to Kafka|no acknowledgement/);
  });
});
