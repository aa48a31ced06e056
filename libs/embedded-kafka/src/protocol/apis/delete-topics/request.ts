/*
 * DeleteTopics Request (Version: 0-3) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 *
 * DeleteTopics Request (Version: 4-5) => [topic_names] timeout_ms TAG_BUFFER
 *   topic_names => COMPACT_STRING
 *   timeout_ms => INT32
 *
 * DeleteTopics Request (Version: 6) => [topics] timeout_ms TAG_BUFFER
 *   topics => name topic_id TAG_BUFFER
 *     name => COMPACT_NULLABLE_STRING
 *     topic_id => UUID
 *   timeout_ms => INT32
 */
import type { MessageSpec } from '../../schema/message-spec';

export const deleteTopicsRequest: MessageSpec = {
  name: 'DeleteTopicsRequest',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
};
