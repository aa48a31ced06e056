/*
 * DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only is_default is_sensitive
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       is_default => BOOLEAN
 *       is_sensitive => BOOLEAN
 *
 * DescribeConfigs Response (Version: 1-2) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only config_source is_sensitive [synonyms]
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       config_source => INT8
 *       is_sensitive => BOOLEAN
 *       synonyms => name value source
 *         name => STRING
 *         value => NULLABLE_STRING
 *         source => INT8
 *
 * DescribeConfigs Response (Version: 3) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only config_source is_sensitive [synonyms] config_type documentation
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       config_source => INT8
 *       is_sensitive => BOOLEAN
 *       synonyms => name value source
 *         name => STRING
 *         value => NULLABLE_STRING
 *         source => INT8
 *       config_type => INT8
 *       documentation => NULLABLE_STRING
 *
 * DescribeConfigs Response (Version: 4) => throttle_time_ms [results] TAG_BUFFER
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs] TAG_BUFFER
 *     error_code => INT16
 *     error_message => COMPACT_NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => COMPACT_STRING
 *     configs => name value read_only config_source is_sensitive [synonyms] config_type documentation TAG_BUFFER
 *       name => COMPACT_STRING
 *       value => COMPACT_NULLABLE_STRING
 *       read_only => BOOLEAN
 *       config_source => INT8
 *       is_sensitive => BOOLEAN
 *       synonyms => name value source TAG_BUFFER
 *         name => COMPACT_STRING
 *         value => COMPACT_NULLABLE_STRING
 *         source => INT8
 *       config_type => INT8
 *       documentation => COMPACT_NULLABLE_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';

export const describeConfigsResponse: MessageSpec = {
  name: 'DescribeConfigsResponse',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'isDefault', type: 'bool', versions: '0' },
            { name: 'configSource', type: 'int8', versions: '1+', default: -1, ignorable: true },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              type: '[]struct',
              versions: '1+',
              ignorable: true,
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            { name: 'configType', type: 'int8', versions: '3+', default: 0, ignorable: true },
            { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+', ignorable: true },
          ],
        },
      ],
    },
  ],
};
