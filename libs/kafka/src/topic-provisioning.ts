import type { Admin, Kafka } from 'kafkajs';

/** What a topic must look like; matches the fields of libs/contracts' TopicSpec, so TOPIC_SPECS can be passed as is. */
export interface TopicRequirement {
  readonly name: string;
  readonly partitions: number;
  readonly cleanupPolicy?: 'delete' | 'compact';
  /** retention.ms; null or undefined keeps the broker default. */
  readonly retentionMs?: number | null;
}

export interface TopicProvisioningOptions {
  /** Replicas per partition: 1 on a single broker, 3 on a production cluster. */
  replicationFactor?: number;
  /** The topics' own `min.insync.replicas` (2 with 3 replicas); the broker default when unset. */
  minInsyncReplicas?: number;
}

export interface ProvisionedTopics {
  created: string[];
  existing: string[];
}

/**
 * Creates the topics that do not exist yet (idempotent, safe when several processes start at once). Existing
 * topics are left alone: changing partition counts remaps keys and breaks per-key order, so it must be a
 * deliberate operation.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicRequirement[],
  options: TopicProvisioningOptions = {},
): Promise<ProvisionedTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !present.has(t.name));
    if (missing.length > 0) {
      // kafkajs's own wait (on by default) is the one that gives up on UNKNOWN_TOPIC_OR_PARTITION: ours below replaces it
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: topicConfig(t, options),
        })),
      });
      await waitForLeaders(
        admin,
        missing.map((t) => t.name),
      );
    }
    // createTopics resolves false (not an error) when another process created them first; either way they exist.
    return { created: missing.map((t) => t.name), existing: topics.filter((t) => present.has(t.name)).map((t) => t.name) };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Until every partition of the topics has a leader, as a broker sees it. kafkajs's `waitForLeaders` option gives up
 * at the first UNKNOWN_TOPIC_OR_PARTITION, which an Apache Kafka broker whose metadata lags the KRaft controller
 * answers for a moment after the topic was created (seen on a 3-broker cluster: the service's start failed).
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics still without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function topicConfig(topic: TopicRequirement, options: TopicProvisioningOptions): Array<{ name: string; value: string }> {
  const entries: Array<{ name: string; value: string }> = [];
  if (topic.cleanupPolicy) entries.push({ name: 'cleanup.policy', value: topic.cleanupPolicy });
  if (topic.retentionMs !== undefined && topic.retentionMs !== null)
    entries.push({ name: 'retention.ms', value: String(topic.retentionMs) });
  // acks=all then means "on at least this many replicas": with 3 replicas and 2, one broker may fail without loss or refusal.
  if (options.minInsyncReplicas !== undefined) entries.push({ name: 'min.insync.replicas', value: String(options.minInsyncReplicas) });
  return entries;
}
