/*
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 *
 * Heartbeat Response (Version: 1-3) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *
 * Heartbeat Response (Version: 4) => throttle_time_ms error_code TAG_BUFFER
 *   throttle_time_ms => INT32
 *   error_code => INT16
 */
import type { MessageSpec } from '../../schema/message-spec';

export const heartbeatResponse: MessageSpec = {
  name: 'HeartbeatResponse',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
};
