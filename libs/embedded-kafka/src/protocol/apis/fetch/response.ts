/*
 * Fetch Response (Version: 4-6) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => see fetchable-topic-response.ts
 *
 * Fetch Response (Version: 7-11) => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   session_id => INT32
 *   responses => see fetchable-topic-response.ts
 *
 * Fetch Response (Version: 12-17) => throttle_time_ms error_code session_id [responses] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   session_id => INT32
 *   responses => see fetchable-topic-response.ts
 */
import type { MessageSpec } from '../../schema/message-spec';
import { fetchableTopicResponseFields } from './fetchable-topic-response';

export const fetchResponse: MessageSpec = {
  name: 'FetchResponse',
  apiKey: 1,
  validVersions: '0-17',
  flexibleVersions: '12+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '7+', ignorable: true },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    { name: 'responses', type: '[]struct', versions: '0+', fields: fetchableTopicResponseFields },
    {
      name: 'nodeEndpoints',
      type: '[]struct',
      versions: '16+',
      taggedVersions: '16+',
      tag: 0,
      fields: [
        { name: 'nodeId', type: 'int32', versions: '16+' },
        { name: 'host', type: 'string', versions: '16+' },
        { name: 'port', type: 'int32', versions: '16+' },
        { name: 'rack', type: 'string', versions: '16+', nullableVersions: '16+', default: null },
      ],
    },
  ],
};
