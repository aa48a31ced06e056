/*
 * ListGroups Request (Version: 0-2) =>
 *
 * ListGroups Request (Version: 3) => TAG_BUFFER
 *
 * ListGroups Request (Version: 4) => [states_filter] TAG_BUFFER
 *   states_filter => COMPACT_STRING
 *
 * ListGroups Request (Version: 5) => [states_filter] [types_filter] TAG_BUFFER
 *   states_filter => COMPACT_STRING
 *   types_filter => COMPACT_STRING
 */
import type { MessageSpec } from '../../schema/message-spec';

export const listGroupsRequest: MessageSpec = {
  name: 'ListGroupsRequest',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'statesFilter', type: '[]string', versions: '4+' },
    { name: 'typesFilter', type: '[]string', versions: '5+' },
  ],
};
