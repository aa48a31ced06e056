/*
 * Fetch Request (Version: 4-6) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => see fetch-topic.ts
 *
 * Fetch Request (Version: 7-10) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => see fetch-topic.ts
 *   forgotten_topics_data => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 *
 * Fetch Request (Version: 11) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => see fetch-topic.ts
 *   forgotten_topics_data => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 *   rack_id => STRING
 *
 * Fetch Request (Version: 12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id TAG_BUFFER
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => see fetch-topic.ts
 *   forgotten_topics_data => topic [partitions] TAG_BUFFER
 *     topic => COMPACT_STRING
 *     partitions => INT32
 *   rack_id => COMPACT_STRING
 *
 * Fetch Request (Version: 13-14) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id TAG_BUFFER
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => see fetch-topic.ts
 *   forgotten_topics_data => topic_id [partitions] TAG_BUFFER
 *     topic_id => UUID
 *     partitions => INT32
 *   rack_id => COMPACT_STRING
 *
 * Fetch Request (Version: 15-17) => max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch [topics] [forgotten_topics_data] rack_id TAG_BUFFER
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   session_id => INT32
 *   session_epoch => INT32
 *   topics => see fetch-topic.ts
 *   forgotten_topics_data => topic_id [partitions] TAG_BUFFER
 *     topic_id => UUID
 *     partitions => INT32
 *   rack_id => COMPACT_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';
import { fetchTopicFields } from './fetch-topic';

export const fetchRequest: MessageSpec = {
  name: 'FetchRequest',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    {
      name: 'clusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      taggedVersions: '12+',
      tag: 0,
      default: null,
      ignorable: true,
    },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'replicaState',
      type: 'struct',
      versions: '15+',
      taggedVersions: '15+',
      tag: 1,
      fields: [
        { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1 },
      ],
    },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff, ignorable: true },
    { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0, ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0, ignorable: true },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
    { name: 'topics', type: '[]struct', versions: '0+', fields: fetchTopicFields },
    {
      name: 'forgottenTopicsData',
      type: '[]struct',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
        { name: 'partitions', type: '[]int32', versions: '7+' },
      ],
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '', ignorable: true },
  ],
};
