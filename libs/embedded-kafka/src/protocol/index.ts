/**
 * Kafka wire protocol for the embedded broker: frames <-> plain objects, driven by per-API field tables.
 * Handlers get/return bodies named after Kafka's JSON fields in lowerCamelCase (see MessageBody).
 */
export { ApiKey } from './api-keys';
export { API_VERSIONS, apiVersionsResponseBody, isVersionSupported, supportedVersions } from './api-versions-table';
export type { ApiVersionRange } from './api-versions-table';
export { ErrorCode } from './error-codes';
export type { RequestHeader } from './headers/request-header';
export { MalformedRequestError } from './malformed-request.error';
export type { MessageBody } from './message-body';
export { decodeRequest, encodeRequest, requestHeaderVersion } from './request-codec';
export type { DecodedRequest } from './request-codec';
export { decodeResponse, encodeResponse, encodeResponseChunks, responseHeaderVersion } from './response-codec';
export type { DecodedResponse } from './response-codec';
export { UnsupportedVersionError } from './unsupported-version.error';
export { ByteReader } from './primitives/byte-reader';
export { ByteWriter } from './primitives/byte-writer';
export type { ReservedSlot } from './primitives/chunked-buffer';
