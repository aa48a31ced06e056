/*
 * ApiVersions Request (Version: 0-2) =>
 *
 * ApiVersions Request (Version: 3-4) => client_software_name client_software_version TAG_BUFFER
 *   client_software_name => COMPACT_STRING
 *   client_software_version => COMPACT_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';

export const apiVersionsRequest: MessageSpec = {
  name: 'ApiVersionsRequest',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+', ignorable: true },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
  ],
};
