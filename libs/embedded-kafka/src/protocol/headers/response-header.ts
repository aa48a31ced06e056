/*
 * Response Header v0 => correlation_id
 *   correlation_id => INT32
 *
 * Response Header v1 => correlation_id TAG_BUFFER
 *   correlation_id => INT32
 *
 * ApiVersions responses always use v0 (KIP-511): a client that sent a too-new version must still parse the answer.
 */
import type { MessageSpec } from '../schema/message-spec';

export const responseHeaderSpec: MessageSpec = {
  name: 'ResponseHeader',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [{ name: 'correlationId', type: 'int32', versions: '0+' }],
};
