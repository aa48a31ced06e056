import { ContractDecodeError } from './errors/contract-decode.error';
import { CONTRACT_SCHEMAS, type ContractTopic, type TopicInputMap, type TopicValueMap } from './generated';
import { ContractRegistry } from './registry/contract-registry';

/** The registry of every generated schema version; built once, at import. */
export const contractRegistry = new ContractRegistry(CONTRACT_SCHEMAS);

/** Encodes value with the topic's newest schema as an Avro single-object payload. Throws ContractEncodeError. */
export function encode<T extends ContractTopic>(topic: T, value: TopicInputMap[T]): Buffer {
  return contractRegistry.encode(topic, value);
}

/**
 * Decodes a payload written with any published version of topic, read into the newest version.
 * Throws ContractDecodeError (bad magic, unknown fingerprint, corrupt body): send those to the DLQ.
 */
export function decode<T extends ContractTopic>(topic: T, bytes: Uint8Array): TopicValueMap[T] {
  return contractRegistry.decode(topic, bytes) as TopicValueMap[T];
}

export type DecodeResult<T extends ContractTopic> = { ok: true; value: TopicValueMap[T] } | { ok: false; error: ContractDecodeError };

/** decode without throwing, for pipeline steps that turn failures into DLQ results. */
export function tryDecode<T extends ContractTopic>(topic: T, bytes: Uint8Array): DecodeResult<T> {
  try {
    return { ok: true, value: decode(topic, bytes) };
  } catch (error) {
    if (error instanceof ContractDecodeError) return { ok: false, error };
    throw error;
  }
}
