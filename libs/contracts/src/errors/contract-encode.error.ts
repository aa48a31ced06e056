/**
 * A value does not match the topic's schema. This is a programming error in the producer, so it carries
 * the offending paths to make the fix obvious.
 */
export class ContractEncodeError extends Error {
  override readonly name = 'ContractEncodeError';

  constructor(
    readonly topic: string,
    /** Dotted paths of the invalid fields, e.g. ["original.partition"]. */
    readonly paths: string[],
    cause?: unknown,
  ) {
    super(`value does not match the ${topic} schema at ${paths.length ? paths.join(', ') : '(root)'}`, { cause });
  }
}
