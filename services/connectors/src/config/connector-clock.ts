import { Injectable } from '@nestjs/common';

/**
 * The scheduler's "now" (which connections are due, and when they are due next). The system clock in production;
 * tests move it forward (`advance`) to let hours of downtime pass at once.
 */
@Injectable()
export class ConnectorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
