import { Injectable } from '@nestjs/common';

/**
 * The evaluator's notion of "now": every decision, due timer and message time reads it. In production it is the
 * system clock; tests move it (`set`, `advance`) to make relative dates and sliding windows pass in an instant,
 * instead of sleeping.
 */
@Injectable()
export class SegmentClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Makes now() return `ms` at this instant (and run on from there). */
  set(ms: number): void {
    this.offsetMs = ms - Date.now();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
