import { Injectable } from '@nestjs/common';

/**
 * The evaluator's notion of "now": every decision, due timer and message time reads it. In production it is the
 * system clock; tests pin it (`set`) and move it (`advance`) to make relative dates and sliding windows pass in an
 * instant, instead of sleeping. A pinned clock stands still until it is moved again.
 */
@Injectable()
export class SegmentClock {
  private pinned: number | null = null;

  now(): number {
    return this.pinned ?? Date.now();
  }

  set(ms: number): void {
    this.pinned = ms;
  }

  advance(ms: number): void {
    this.pinned = this.now() + ms;
  }
}
