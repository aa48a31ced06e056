export { LogStore, type LogStoreOptions } from './log-store';
export { PartitionLog, type AppendOptions, type AppendResult, type ReadResult } from './partition-log';
export { OffsetStore, type CommittedOffset, type OffsetCommitEntry } from './offset-store';
export { ProducerIdAllocator } from './producer-id-allocator';
export type { TopicInfo } from './topic-metadata-store';
export {
  DEFAULT_LOG_CONFIG,
  describeTopicConfigs,
  resolveLogConfig,
  validateTopicConfigs,
  type FsyncPolicy,
  type LogConfig,
  type TopicConfigEntry,
} from './log-config';
export { InvalidTopicError } from './invalid-topic.error';
export { TopicExistsError } from './topic-exists.error';
export { UnknownTopicError } from './unknown-topic.error';
