import { Injectable } from '@nestjs/common';

/**
 * The worker's notion of "now" for what is due (next attempts, leases, max age). The system clock in production;
 * tests move it forward (`advance`) to let a backoff or a Retry-After pass at once instead of sleeping.
 */
@Injectable()
export class DeliveryClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
