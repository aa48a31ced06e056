/*
 * ListOffsets Request (Version: 0) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp max_num_offsets
 *       partition_index => INT32
 *       timestamp => INT64
 *       max_num_offsets => INT32
 *
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64
 *
 * ListOffsets Request (Version: 2-3) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64
 *
 * ListOffsets Request (Version: 4-5) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index current_leader_epoch timestamp
 *       partition_index => INT32
 *       current_leader_epoch => INT32
 *       timestamp => INT64
 *
 * ListOffsets Request (Version: 6-9) => replica_id isolation_level [topics] TAG_BUFFER
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => name [partitions] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partitions => partition_index current_leader_epoch timestamp TAG_BUFFER
 *       partition_index => INT32
 *       current_leader_epoch => INT32
 *       timestamp => INT64
 *
 * ListOffsets Request (Version: 10) => replica_id isolation_level [topics] timeout_ms TAG_BUFFER
 *   replica_id => INT32
 *   isolation_level => INT8
 *   topics => name [partitions] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partitions => partition_index current_leader_epoch timestamp TAG_BUFFER
 *       partition_index => INT32
 *       current_leader_epoch => INT32
 *       timestamp => INT64
 *   timeout_ms => INT32
 */
import type { MessageSpec } from '../../schema/message-spec';

export const listOffsetsRequest: MessageSpec = {
  name: 'ListOffsetsRequest',
  apiKey: 2,
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1, ignorable: true },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '10+', ignorable: true },
  ],
};
