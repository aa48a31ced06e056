/*
 * OffsetFetch Request (Version: 0-5) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]
 *     name => STRING
 *     partition_indexes => INT32
 *
 * OffsetFetch Request (Version: 6) => group_id [topics] TAG_BUFFER
 *   group_id => COMPACT_STRING
 *   topics => name [partition_indexes] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partition_indexes => INT32
 *
 * OffsetFetch Request (Version: 7) => group_id [topics] require_stable TAG_BUFFER
 *   group_id => COMPACT_STRING
 *   topics => name [partition_indexes] TAG_BUFFER
 *     name => COMPACT_STRING
 *     partition_indexes => INT32
 *   require_stable => BOOLEAN
 *
 * OffsetFetch Request (Version: 8) => [groups] require_stable TAG_BUFFER
 *   groups => group_id [topics] TAG_BUFFER
 *     group_id => COMPACT_STRING
 *     topics => name [partition_indexes] TAG_BUFFER
 *       name => COMPACT_STRING
 *       partition_indexes => INT32
 *   require_stable => BOOLEAN
 *
 * OffsetFetch Request (Version: 9) => [groups] require_stable TAG_BUFFER
 *   groups => group_id member_id member_epoch [topics] TAG_BUFFER
 *     group_id => COMPACT_STRING
 *     member_id => COMPACT_NULLABLE_STRING
 *     member_epoch => INT32
 *     topics => name [partition_indexes] TAG_BUFFER
 *       name => COMPACT_STRING
 *       partition_indexes => INT32
 *   require_stable => BOOLEAN
 */
import type { MessageSpec } from '../../schema/message-spec';

export const offsetFetchRequest: MessageSpec = {
  name: 'OffsetFetchRequest',
  apiKey: 9,
  validVersions: '0-9',
  flexibleVersions: '6+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0-7',
      nullableVersions: '2-7',
      fields: [
        { name: 'name', type: 'string', versions: '0-7' },
        { name: 'partitionIndexes', type: '[]int32', versions: '0-7' },
      ],
    },
    {
      name: 'groups',
      type: '[]struct',
      versions: '8+',
      fields: [
        { name: 'groupId', type: 'string', versions: '8+' },
        { name: 'memberId', type: 'string', versions: '9+', nullableVersions: '9+', default: null, ignorable: true },
        { name: 'memberEpoch', type: 'int32', versions: '9+', default: -1, ignorable: true },
        {
          name: 'topics',
          type: '[]struct',
          versions: '8+',
          nullableVersions: '8+',
          fields: [
            { name: 'name', type: 'string', versions: '8+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '8+' },
          ],
        },
      ],
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
};
