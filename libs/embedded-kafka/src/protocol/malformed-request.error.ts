/**
 * The bytes cannot be a valid message: truncated, a length running past the frame, or an impossible value.
 * Kafka closes the connection on such requests; the server decides, this only reports.
 */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';

  constructor(message: string) {
    super(message);
  }
}
