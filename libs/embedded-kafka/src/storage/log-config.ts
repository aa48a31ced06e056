/** When appends reach the disk: every append, only for acks=-1 produces (default), on a timer, or when the OS likes. */
export type FsyncPolicy = 'always' | 'acks-all' | { intervalMs: number } | 'os';

export interface LogConfig {
  /** Roll to a new segment when the active one would grow past this (Kafka: segment.bytes). */
  segmentBytes: number;
  /** Roll a non-empty active segment older than this, so time retention can delete it (Kafka: segment.ms). */
  segmentMs: number;
  /** Delete whole segments whose newest record is older than this; -1 keeps forever (Kafka: retention.ms). */
  retentionMs: number;
  /** Delete oldest segments while the partition stays above this size; -1 = unlimited (Kafka: retention.bytes). */
  retentionBytes: number;
  /** Bytes of log between two sparse index entries (Kafka: index.interval.bytes). */
  indexIntervalBytes: number;
  /** Largest record batch accepted from a producer (Kafka: max.message.bytes). */
  maxMessageBytes: number;
  fsync: FsyncPolicy;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 256 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1048588,
  fsync: 'acks-all' as FsyncPolicy,
});

/** Kafka topic config names we honour, mapped to the LogConfig field they override. */
const TOPIC_CONFIG_KEYS: Record<string, keyof Omit<LogConfig, 'fsync'>> = {
  'segment.bytes': 'segmentBytes',
  'segment.ms': 'segmentMs',
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'index.interval.bytes': 'indexIntervalBytes',
  'max.message.bytes': 'maxMessageBytes',
};

export interface TopicConfigEntry {
  name: string;
  value: string;
  isDefault: boolean;
}

/** Applies a topic's Kafka-named configs over the broker defaults; unknown or non-numeric values are ignored. */
export function resolveLogConfig(defaults: LogConfig, topicConfigs: Record<string, string>): LogConfig {
  const resolved: LogConfig = { ...defaults };
  for (const [name, field] of Object.entries(TOPIC_CONFIG_KEYS)) {
    const raw = topicConfigs[name];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (Number.isFinite(value)) resolved[field] = value;
  }
  return resolved;
}

/** Rejects values Kafka would reject at CreateTopics time; returns a message or null. */
export function validateTopicConfigs(topicConfigs: Record<string, string>): string | null {
  for (const [name, raw] of Object.entries(topicConfigs)) {
    const field = TOPIC_CONFIG_KEYS[name];
    if (!field) continue;
    const value = Number(raw);
    if (!Number.isInteger(value)) return `Invalid value ${raw} for configuration ${name}`;
    if ((field === 'retentionMs' || field === 'retentionBytes') && value < -1) {
      return `Invalid value ${raw} for configuration ${name}`;
    }
    if (field === 'segmentBytes' && value < 14) return `Invalid value ${raw} for configuration ${name}`;
    if ((field === 'indexIntervalBytes' || field === 'maxMessageBytes') && value < 0) {
      return `Invalid value ${raw} for configuration ${name}`;
    }
    if (field === 'segmentMs' && value < 1) {
      return `Invalid value ${raw} for configuration ${name}`;
    }
  }
  return null;
}

/** The configs DescribeConfigs reports for a topic: the honoured ones (overridden or default) plus any others set. */
export function describeTopicConfigs(defaults: LogConfig, topicConfigs: Record<string, string>): TopicConfigEntry[] {
  const entries: TopicConfigEntry[] = [
    { name: 'cleanup.policy', value: topicConfigs['cleanup.policy'] ?? 'delete', isDefault: topicConfigs['cleanup.policy'] === undefined },
  ];
  for (const [name, field] of Object.entries(TOPIC_CONFIG_KEYS)) {
    const override = topicConfigs[name];
    entries.push({ name, value: override ?? String(defaults[field]), isDefault: override === undefined });
  }
  for (const [name, value] of Object.entries(topicConfigs)) {
    if (!entries.some((e) => e.name === name)) entries.push({ name, value, isDefault: false });
  }
  return entries;
}
