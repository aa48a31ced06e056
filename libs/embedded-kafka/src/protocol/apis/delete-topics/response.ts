/*
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 *
 * DeleteTopics Response (Version: 1-3) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 *
 * DeleteTopics Response (Version: 4) => throttle_time_ms [responses] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   responses => name error_code TAG_BUFFER
 *     name => COMPACT_STRING
 *     error_code => INT16
 *
 * DeleteTopics Response (Version: 5) => throttle_time_ms [responses] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   responses => name error_code error_message TAG_BUFFER
 *     name => COMPACT_STRING
 *     error_code => INT16
 *     error_message => COMPACT_NULLABLE_STRING
 *
 * DeleteTopics Response (Version: 6) => throttle_time_ms [responses] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   responses => name topic_id error_code error_message TAG_BUFFER
 *     name => COMPACT_NULLABLE_STRING
 *     topic_id => UUID
 *     error_code => INT16
 *     error_message => COMPACT_NULLABLE_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';

export const deleteTopicsResponse: MessageSpec = {
  name: 'DeleteTopicsResponse',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'responses',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null, ignorable: true },
      ],
    },
  ],
};
