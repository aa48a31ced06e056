import { TOPIC_SPECS } from '@tessera/contracts';
import { startTestBroker, type TestBroker } from '@tessera/testing';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from './topic-provisioning';

describe('ensureTopics (embedded broker)', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('creates the contract topics with their partitions and configs, once, even when called concurrently', async () => {
    const kafka = new Kafka({ clientId: 'provision', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const created = (await Promise.all([ensureTopics(kafka, TOPIC_SPECS), ensureTopics(kafka, TOPIC_SPECS)])).map((r) => r.created);
    expect(new Set(created.flat())).toEqual(new Set(TOPIC_SPECS.map((t) => t.name)));
    expect(await ensureTopics(kafka, TOPIC_SPECS)).toEqual({ created: [], existing: TOPIC_SPECS.map((t) => t.name) });

    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: TOPIC_SPECS.map((t) => t.name) });
      for (const spec of TOPIC_SPECS) {
        expect(metadata.topics.find((t) => t.name === spec.name)?.partitions).toHaveLength(spec.partitions);
      }
      const compacted = TOPIC_SPECS.find((t) => t.cleanupPolicy === 'compact');
      if (compacted) {
        const configs = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: compacted.name, configNames: ['cleanup.policy'] }],
        });
        expect(configs.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
      }
    } finally {
      await admin.disconnect();
    }
  });
});
