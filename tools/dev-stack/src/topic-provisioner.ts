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
export interface ProvisionOptions {
  /** Replicas per partition: 1 on a single broker, 3 on a production cluster. */
  replicationFactor?: number;
  /** The topics' own `min.insync.replicas` (2 with 3 replicas); the broker default when unset. */
  minInsyncReplicas?: number;
}

export async function provisionTopics(kafka: Kafka, options: ProvisionOptions = {}): Promise<ProvisionedTopics> {
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
          configEntries: topicConfig(spec, options),
        })),
      });
    }
    return { created: missing.map((spec) => spec.name), existing: TOPIC_SPECS.filter((s) => existing.has(s.name)).map((s) => s.name) };
  } finally {
    await admin.disconnect();
  }
}

function topicConfig(spec: TopicSpec, options: ProvisionOptions): Array<{ name: string; value: string }> {
  const entries: Array<{ name: string; value: string }> = [{ name: 'cleanup.policy', value: spec.cleanupPolicy }];
  if (spec.retentionMs !== null) entries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  // acks=all then means "on at least this many replicas": with 3 replicas and 2, one broker may fail without loss or refusal
  if (options.minInsyncReplicas !== undefined) entries.push({ name: 'min.insync.replicas', value: String(options.minInsyncReplicas) });
  return entries;
}
