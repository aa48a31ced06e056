import { contractRegistry } from './codec';
import type { TopicName } from './topics';

/**
 * Informational headers for people and tools (kcat, DLQ browsers). Decoders never rely on them: the
 * single-object header inside the value already names the writer schema.
 */
export const ContractHeaders = {
  contentType: 'content-type',
  /** "<topic>/v<N>" of the writer schema. */
  schema: 'tessera-schema',
} as const;

export const AVRO_SINGLE_OBJECT_CONTENT_TYPE = 'application/avro; encoding=single-object';

/** Headers describing a value that encode(topic, ...) wrote (always the newest version). */
export function contractHeaders(topic: TopicName): Record<string, string> {
  return {
    [ContractHeaders.contentType]: AVRO_SINGLE_OBJECT_CONTENT_TYPE,
    [ContractHeaders.schema]: `${topic}/v${contractRegistry.latest(topic).version}`,
  };
}
