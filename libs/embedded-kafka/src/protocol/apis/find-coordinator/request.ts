/*
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 *
 * FindCoordinator Request (Version: 1-2) => key key_type
 *   key => STRING
 *   key_type => INT8
 *
 * FindCoordinator Request (Version: 3) => key key_type TAG_BUFFER
 *   key => COMPACT_STRING
 *   key_type => INT8
 *
 * FindCoordinator Request (Version: 4-6) => key_type [coordinator_keys] TAG_BUFFER
 *   key_type => INT8
 *   coordinator_keys => COMPACT_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';

export const findCoordinatorRequest: MessageSpec = {
  name: 'FindCoordinatorRequest',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
};
