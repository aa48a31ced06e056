/*
 * DescribeConfigs Request (Version: 0) => [resources]
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8
 *     resource_name => STRING
 *     configuration_keys => STRING
 *
 * DescribeConfigs Request (Version: 1-2) => [resources] include_synonyms
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8
 *     resource_name => STRING
 *     configuration_keys => STRING
 *   include_synonyms => BOOLEAN
 *
 * DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8
 *     resource_name => STRING
 *     configuration_keys => STRING
 *   include_synonyms => BOOLEAN
 *   include_documentation => BOOLEAN
 *
 * DescribeConfigs Request (Version: 4) => [resources] include_synonyms include_documentation TAG_BUFFER
 *   resources => resource_type resource_name [configuration_keys] TAG_BUFFER
 *     resource_type => INT8
 *     resource_name => COMPACT_STRING
 *     configuration_keys => COMPACT_STRING
 *   include_synonyms => BOOLEAN
 *   include_documentation => BOOLEAN
 */
import type { MessageSpec } from '../../schema/message-spec';

export const describeConfigsRequest: MessageSpec = {
  name: 'DescribeConfigsRequest',
  apiKey: 32,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'resources',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
};
