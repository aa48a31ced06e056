export * from './generated';
export { Topics, TOPIC_SPECS, topicSpec, type TopicName, type TopicSpec, type CleanupPolicy } from './topics';
export { encode, decode, tryDecode, contractRegistry, type DecodeResult } from './codec';
export { ContractRegistry } from './registry/contract-registry';
export type { RegisteredSchema } from './registry/registered-schema';
export type { ContractSchemaVersion } from './registry/contract-schema-version';
export { ContractDecodeError, isContractDecodeError, type ContractDecodeErrorCode } from './errors/contract-decode-error';
export { ContractEncodeError } from './errors/contract-encode-error';
export { ContractHeaders, AVRO_SINGLE_OBJECT_CONTENT_TYPE, contractHeaders } from './headers';
export {
  SINGLE_OBJECT_MAGIC,
  SINGLE_OBJECT_HEADER_LENGTH,
  parseSingleObject,
  type SingleObjectParts,
} from './avro/single-object-encoding';
export { rabinFingerprint64, rabinFingerprintBytes } from './avro/rabin-fingerprint';
