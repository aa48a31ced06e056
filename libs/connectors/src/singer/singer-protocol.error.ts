/** A stdout line that is not a Singer message: the read fails, naming the line. */
export class SingerProtocolError extends Error {
  constructor(
    readonly line: number,
    reason: string,
    text: string,
  ) {
    super(`tap stdout line ${line}: ${reason}: ${text.slice(0, 200)}`);
    this.name = 'SingerProtocolError';
  }
}
