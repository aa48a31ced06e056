import { Injectable } from '@nestjs/common';

/**
 * A service's notion of "now" for what is due (next attempts, leases, schedules, max ages). The system clock in
 * production; tests move it forward (`advance`) to let a backoff, a Retry-After or hours of downtime pass at once
 * instead of sleeping. Time keeps flowing after an advance (the segment evaluator's clock, which tests pin, is another
 * thing).
 */
@Injectable()
export class OffsetClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
