/*
 * Fetch Request topics (Version: 4) => topic [partitions]
 *   topic => STRING
 *   partitions => partition fetch_offset partition_max_bytes
 *     partition => INT32
 *     fetch_offset => INT64
 *     partition_max_bytes => INT32
 *
 * Fetch Request topics (Version: 5-8) => topic [partitions]
 *   topic => STRING
 *   partitions => partition fetch_offset log_start_offset partition_max_bytes
 *     partition => INT32
 *     fetch_offset => INT64
 *     log_start_offset => INT64
 *     partition_max_bytes => INT32
 *
 * Fetch Request topics (Version: 9-11) => topic [partitions]
 *   topic => STRING
 *   partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 *     partition => INT32
 *     current_leader_epoch => INT32
 *     fetch_offset => INT64
 *     log_start_offset => INT64
 *     partition_max_bytes => INT32
 *
 * Fetch Request topics (Version: 12) => topic [partitions] TAG_BUFFER
 *   topic => COMPACT_STRING
 *   partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes TAG_BUFFER
 *     partition => INT32
 *     current_leader_epoch => INT32
 *     fetch_offset => INT64
 *     last_fetched_epoch => INT32
 *     log_start_offset => INT64
 *     partition_max_bytes => INT32
 *
 * Fetch Request topics (Version: 13-17) => topic_id [partitions] TAG_BUFFER
 *   topic_id => UUID
 *   partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes TAG_BUFFER
 *     partition => INT32
 *     current_leader_epoch => INT32
 *     fetch_offset => INT64
 *     last_fetched_epoch => INT32
 *     log_start_offset => INT64
 *     partition_max_bytes => INT32
 */
import type { FieldSpec } from '../../schema/message-spec';

export const fetchTopicFields: readonly FieldSpec[] = [
  { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
  { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
  {
    name: 'partitions',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'partition', type: 'int32', versions: '0+' },
      { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
      { name: 'fetchOffset', type: 'int64', versions: '0+' },
      { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
      { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
      { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
      { name: 'replicaDirectoryId', type: 'uuid', versions: '17+', taggedVersions: '17+', tag: 0, ignorable: true },
    ],
  },
];
