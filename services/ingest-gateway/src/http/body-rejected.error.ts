import type { HttpException } from '@nestjs/common';
import type { BodyRejection } from './metrics';

/** A 4xx raised while reading a body, tagged with the metric reason. */
export class BodyRejected extends Error {
  constructor(
    readonly reason: BodyRejection,
    readonly httpError: HttpException,
  ) {
    super(httpError.message);
  }
}
