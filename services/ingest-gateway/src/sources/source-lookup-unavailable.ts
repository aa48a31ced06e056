import { HttpException, HttpStatus } from '@nestjs/common';

/** Thrown as a 503 when the database cannot say whose write key this is; the caller sets Retry-After from `retryAfterSeconds`. */
export class SourceLookupUnavailable extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'the source database is unavailable and this write key is not in the cache; nothing was accepted, retry later',
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
