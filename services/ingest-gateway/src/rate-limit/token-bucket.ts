/**
 * A token bucket: `burst` tokens at most, refilled continuously at `ratePerSecond`. Taking more than the bucket
 * can ever hold is allowed from a full bucket, so one large batch is limited by the rate, never refused forever.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private ratePerSecond: number,
    private burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /**
   * Changes the limits in place (an admin override): a larger bucket gains the added capacity at once, a smaller
   * one keeps at most its new size.
   */
  reconfigure(ratePerSecond: number, burst: number): void {
    if (ratePerSecond === this.ratePerSecond && burst === this.burst) return;
    this.refill();
    this.tokens = Math.min(burst, this.tokens + Math.max(0, burst - this.burst));
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
  }

  /** Takes `cost` tokens and returns 0, or takes nothing and returns the seconds until it would succeed. */
  take(cost: number): number {
    this.refill();
    const needed = Math.min(cost, this.burst);
    if (this.tokens >= needed) {
      this.tokens -= cost;
      return 0;
    }
    if (this.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
    return (needed - this.tokens) / this.ratePerSecond;
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = (now - this.refilledAt) / 1000;
    this.refilledAt = now;
    if (elapsedSeconds > 0) this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
  }
}
