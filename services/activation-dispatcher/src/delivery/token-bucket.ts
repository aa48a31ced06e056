/**
 * A destination's rate limit in send calls per second: a bucket of `burst` tokens refilled continuously. Hand-written
 * because cockatiel has no rate limiter and the maintained limiters either target Redis clusters or run a scheduler of
 * their own; the worker needs "may I send now, or how long until I may", and that is a dozen lines.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number = Math.max(1, ratePerSecond),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Takes a token and answers 0, or answers how many ms until one is there (taking nothing). */
  tryTake(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** Returns a token taken for a send that did not happen (nothing was due). */
  putBack(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }
}
