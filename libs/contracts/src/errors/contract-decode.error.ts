/**
 * Why a payload could not be decoded. Consumers route every one of these to the DLQ as "undecodable"
 * rather than retrying: no retry can make the bytes readable.
 */
export type ContractDecodeErrorCode = 'bad_magic' | 'truncated' | 'unknown_fingerprint' | 'malformed_body' | 'unknown_topic';

export class ContractDecodeError extends Error {
  override readonly name = 'ContractDecodeError';

  constructor(
    readonly code: ContractDecodeErrorCode,
    message: string,
    readonly topic?: string,
    /** Hex of the writer fingerprint, when the header could be read. */
    readonly fingerprint?: string,
  ) {
    super(message);
  }
}

export function isContractDecodeError(error: unknown): error is ContractDecodeError {
  return error instanceof ContractDecodeError;
}
