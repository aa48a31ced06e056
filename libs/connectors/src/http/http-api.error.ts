/** An answer that retrying will not change (a 4xx, a body that is not JSON), or the last of the failed attempts. */
export class HttpApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HttpApiError';
  }
}
