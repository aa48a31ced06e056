import { CompressionTypes, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import { registerKafkajsCodecs, startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';
import { eventually } from '../test-support/eventually';

registerKafkajsCodecs();

describe('kafkajs 2.2.4 against the embedded broker', () => {
  let fixture: CompatBroker;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    fixture = await startCompatBroker();
    producer = fixture.kafka('producer').producer({ allowAutoTopicCreation: true });
    await producer.connect();
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect();
    await producer.disconnect();
    await fixture.stop();
  });

  async function consumeAll(topic: string, count: number): Promise<EachMessagePayload[]> {
    const consumer = fixture.kafka(`consumer-${topic}`).consumer({ groupId: `group-${topic}`, maxWaitTimeInMs: 200, sessionTimeout: 6000 });
    consumers.push(consumer);
    const seen: EachMessagePayload[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async (payload) => void seen.push(payload) });
    await eventually(() => seen.length >= count);
    await consumer.disconnect();
    return seen;
  }

  it.each([
    ['none', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
  ])('round-trips keys, values and headers with %s compression', async (name, compression) => {
    const topic = `kafkajs-${name}`;
    const messages = Array.from({ length: 20 }, (_, i) => ({
      key: `k${i}`,
      value: `value ${i} ${name}`,
      headers: { trace: `t${i}`, kind: name },
    }));
    const [sent] = await producer.send({ topic, compression, acks: -1, messages });
    expect(sent).toMatchObject({ errorCode: 0, baseOffset: '0' });
    const seen = await consumeAll(topic, 20);
    expect(seen.map((p) => p.message.key?.toString())).toEqual(messages.map((m) => m.key));
    expect(seen.map((p) => p.message.value?.toString())).toEqual(messages.map((m) => m.value));
    expect(seen.map((p) => p.message.headers?.trace?.toString())).toEqual(messages.map((m) => m.headers.trace));
    expect(seen.map((p) => p.message.offset)).toEqual(messages.map((_, i) => String(i)));
  });

  it('idempotent producer writes each record once', async () => {
    const idempotent = fixture.kafka('idempotent').producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    try {
      for (let i = 0; i < 5; i++) await idempotent.send({ topic: 'idempotent', messages: [{ key: `k${i}`, value: `v${i}` }] });
    } finally {
      await idempotent.disconnect();
    }
    const seen = await consumeAll('idempotent', 5);
    expect(seen.map((p) => p.message.value?.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('admin: create, list, metadata, describe groups, configs and delete', async () => {
    const admin = fixture.kafka('admin').admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 3 }] })).toBe(false); // exists
      const rejected = await admin
        .createTopics({ topics: [{ topic: 'admin-rf', replicationFactor: 3 }] })
        .catch((error: { errors?: Array<{ type: string }> }) => error);
      expect((rejected as { errors: Array<{ type: string }> }).errors.map((e) => e.type)).toEqual(['INVALID_REPLICATION_FACTOR']);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin-a']));
      const metadata = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
      expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(metadata.topics[0].partitions[0]).toMatchObject({ leader: 1, replicas: [1], isr: [1] });

      await producer.send({ topic: 'admin-a', messages: [{ value: 'x' }] });
      await consumeAll('admin-a', 1);
      const described = await admin.describeGroups(['group-admin-a', 'no-such-group']);
      expect(described.groups.find((g) => g.groupId === 'group-admin-a')?.state).toBe('Empty');
      expect(described.groups.find((g) => g.groupId === 'no-such-group')?.state).toBe('Dead');
      const listed = await admin.listGroups();
      expect(listed.groups.map((g) => g.groupId)).toEqual(expect.arrayContaining(['group-admin-a']));
      const offsets = await admin.fetchOffsets({ groupId: 'group-admin-a', topics: ['admin-a'] });
      expect(offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset === '-1' ? 0 : p.offset), 0)).toBe(1);

      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'admin-a' }] });
      expect(configs.resources[0].configEntries.map((e) => e.configName)).toEqual(
        expect.arrayContaining(['retention.ms', 'cleanup.policy']),
      );
      const broker = await admin.describeCluster();
      expect(broker).toMatchObject({ controller: 1, brokers: [{ nodeId: 1, host: '127.0.0.1', port: fixture.broker.port }] });

      await admin.deleteTopics({ topics: ['admin-a'] });
      await eventually(async () => !(await admin.listTopics()).includes('admin-a'));
    } finally {
      await admin.disconnect();
    }
  });
});
