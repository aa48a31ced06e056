import type { Kafka } from 'kafkajs';

/** What a topic must look like; matches the fields of libs/contracts' TopicSpec. */
export interface TopicRequirement {
  readonly name: string;
  readonly partitions: number;
  readonly cleanupPolicy?: 'delete' | 'compact';
  /** retention.ms; null or undefined keeps the broker default. */
  readonly retentionMs?: number | null;
}

/**
 * Creates the topics that do not exist yet (idempotent, safe when several services start at once). Existing
 * topics are left alone: changing partition counts remaps keys and must be a deliberate operation.
 * Returns the names it created.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicRequirement[], replicationFactor = 1): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor,
        configEntries: [
          ...(t.cleanupPolicy ? [{ name: 'cleanup.policy', value: t.cleanupPolicy }] : []),
          ...(t.retentionMs !== undefined && t.retentionMs !== null ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : []),
        ],
      })),
    });
    // createTopics resolves false (not an error) when another process created them first; either way they exist.
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}
