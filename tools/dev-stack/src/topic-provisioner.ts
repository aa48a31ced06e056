import { TOPIC_SPECS, type TopicSpec } from '@tessera/contracts';
import type { Kafka } from 'kafkajs';

export interface ProvisionedTopics {
  created: string[];
  existing: string[];
}

/**
 * Creates every topic of the contracts catalog with its partition count and cleanup policy. Idempotent:
 * topics that already exist are left alone (partition counts are never changed after creation, since that
 * would remap keys and break per-key order).
 */
export async function provisionTopics(kafka: Kafka, options: { replicationFactor?: number } = {}): Promise<ProvisionedTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPIC_SPECS.filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: topicConfig(spec),
        })),
      });
    }
    return { created: missing.map((spec) => spec.name), existing: TOPIC_SPECS.filter((s) => existing.has(s.name)).map((s) => s.name) };
  } finally {
    await admin.disconnect();
  }
}

function topicConfig(spec: TopicSpec): Array<{ name: string; value: string }> {
  const entries: Array<{ name: string; value: string }> = [{ name: 'cleanup.policy', value: spec.cleanupPolicy }];
  if (spec.retentionMs !== null) entries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  return entries;
}
