/*
 * Fetch Response responses (Version: 4) => topic [partitions]
 *   topic => STRING
 *   partitions => partition_index error_code high_watermark last_stable_offset [aborted_transactions] records
 *     partition_index => INT32
 *     error_code => INT16
 *     high_watermark => INT64
 *     last_stable_offset => INT64
 *     aborted_transactions => producer_id first_offset
 *       producer_id => INT64
 *       first_offset => INT64
 *     records => RECORDS
 *
 * Fetch Response responses (Version: 5-10) => topic [partitions]
 *   topic => STRING
 *   partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] records
 *     partition_index => INT32
 *     error_code => INT16
 *     high_watermark => INT64
 *     last_stable_offset => INT64
 *     log_start_offset => INT64
 *     aborted_transactions => producer_id first_offset
 *       producer_id => INT64
 *       first_offset => INT64
 *     records => RECORDS
 *
 * Fetch Response responses (Version: 11) => topic [partitions]
 *   topic => STRING
 *   partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records
 *     partition_index => INT32
 *     error_code => INT16
 *     high_watermark => INT64
 *     last_stable_offset => INT64
 *     log_start_offset => INT64
 *     aborted_transactions => producer_id first_offset
 *       producer_id => INT64
 *       first_offset => INT64
 *     preferred_read_replica => INT32
 *     records => RECORDS
 *
 * Fetch Response responses (Version: 12) => topic [partitions] TAG_BUFFER
 *   topic => COMPACT_STRING
 *   partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records TAG_BUFFER
 *     partition_index => INT32
 *     error_code => INT16
 *     high_watermark => INT64
 *     last_stable_offset => INT64
 *     log_start_offset => INT64
 *     aborted_transactions => producer_id first_offset TAG_BUFFER
 *       producer_id => INT64
 *       first_offset => INT64
 *     preferred_read_replica => INT32
 *     records => COMPACT_RECORDS
 *
 * Fetch Response responses (Version: 13-17) => topic_id [partitions] TAG_BUFFER
 *   topic_id => UUID
 *   partitions => partition_index error_code high_watermark last_stable_offset log_start_offset [aborted_transactions] preferred_read_replica records TAG_BUFFER
 *     partition_index => INT32
 *     error_code => INT16
 *     high_watermark => INT64
 *     last_stable_offset => INT64
 *     log_start_offset => INT64
 *     aborted_transactions => producer_id first_offset TAG_BUFFER
 *       producer_id => INT64
 *       first_offset => INT64
 *     preferred_read_replica => INT32
 *     records => COMPACT_RECORDS
 */
import type { FieldSpec } from '../../schema/message-spec';

export const fetchableTopicResponseFields: readonly FieldSpec[] = [
  { name: 'topic', type: 'string', versions: '0-12', ignorable: true },
  { name: 'topicId', type: 'uuid', versions: '13+', ignorable: true },
  {
    name: 'partitions',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'highWatermark', type: 'int64', versions: '0+' },
      { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1, ignorable: true },
      { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
      {
        name: 'divergingEpoch',
        type: 'struct',
        versions: '12+',
        taggedVersions: '12+',
        tag: 0,
        fields: [
          { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
          { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
        ],
      },
      {
        name: 'currentLeader',
        type: 'struct',
        versions: '12+',
        taggedVersions: '12+',
        tag: 1,
        fields: [
          { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
          { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
        ],
      },
      {
        name: 'snapshotId',
        type: 'struct',
        versions: '12+',
        taggedVersions: '12+',
        tag: 2,
        fields: [
          { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
        ],
      },
      {
        name: 'abortedTransactions',
        type: '[]struct',
        versions: '4+',
        nullableVersions: '4+',
        ignorable: true,
        fields: [
          { name: 'producerId', type: 'int64', versions: '4+' },
          { name: 'firstOffset', type: 'int64', versions: '4+' },
        ],
      },
      { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
      { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
    ],
  },
];
