/*
 * Metadata Response topics (Version: 0) => error_code name [partitions]
 *   error_code => INT16
 *   name => STRING
 *   partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *
 * Metadata Response topics (Version: 1-4) => error_code name is_internal [partitions]
 *   error_code => INT16
 *   name => STRING
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *
 * Metadata Response topics (Version: 5-6) => error_code name is_internal [partitions]
 *   error_code => INT16
 *   name => STRING
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes] [offline_replicas]
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *
 * Metadata Response topics (Version: 7) => error_code name is_internal [partitions]
 *   error_code => INT16
 *   name => STRING
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas]
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     leader_epoch => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *
 * Metadata Response topics (Version: 8) => error_code name is_internal [partitions] topic_authorized_operations
 *   error_code => INT16
 *   name => STRING
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas]
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     leader_epoch => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *   topic_authorized_operations => INT32
 *
 * Metadata Response topics (Version: 9) => error_code name is_internal [partitions] topic_authorized_operations TAG_BUFFER
 *   error_code => INT16
 *   name => COMPACT_STRING
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] TAG_BUFFER
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     leader_epoch => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *   topic_authorized_operations => INT32
 *
 * Metadata Response topics (Version: 10-11) => error_code name topic_id is_internal [partitions] topic_authorized_operations TAG_BUFFER
 *   error_code => INT16
 *   name => COMPACT_STRING
 *   topic_id => UUID
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] TAG_BUFFER
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     leader_epoch => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *   topic_authorized_operations => INT32
 *
 * Metadata Response topics (Version: 12) => error_code name topic_id is_internal [partitions] topic_authorized_operations TAG_BUFFER
 *   error_code => INT16
 *   name => COMPACT_NULLABLE_STRING
 *   topic_id => UUID
 *   is_internal => BOOLEAN
 *   partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] TAG_BUFFER
 *     error_code => INT16
 *     partition_index => INT32
 *     leader_id => INT32
 *     leader_epoch => INT32
 *     replica_nodes => INT32
 *     isr_nodes => INT32
 *     offline_replicas => INT32
 *   topic_authorized_operations => INT32
 */
import type { FieldSpec } from '../../schema/message-spec';

export const metadataResponseTopicFields: readonly FieldSpec[] = [
  { name: 'errorCode', type: 'int16', versions: '0+' },
  { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
  { name: 'topicId', type: 'uuid', versions: '10+', ignorable: true },
  { name: 'isInternal', type: 'bool', versions: '1+', default: false, ignorable: true },
  {
    name: 'partitions',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'leaderId', type: 'int32', versions: '0+' },
      { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1, ignorable: true },
      { name: 'replicaNodes', type: '[]int32', versions: '0+' },
      { name: 'isrNodes', type: '[]int32', versions: '0+' },
      { name: 'offlineReplicas', type: '[]int32', versions: '5+', ignorable: true },
    ],
  },
  { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
];
