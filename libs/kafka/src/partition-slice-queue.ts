/**
 * One partition's slices, handled one at a time in offset order while the consumer keeps fetching. `keep` is asked
 * right before each slice runs: a slice it refuses is dropped, and so must every later one be (the caller's `keep`
 * refuses them alike), because applying a later slice after skipping an earlier one would move the partition's
 * database offset past messages never applied.
 */
export class PartitionSliceQueue<S> {
  private readonly waiting: S[] = [];
  private running = false;
  private emptyWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (slice: S) => Promise<void>,
    private readonly keep: (slice: S) => boolean,
  ) {}

  push(slices: readonly S[]): void {
    this.waiting.push(...slices);
    if (!this.running) void this.drain();
  }

  /** The last slice waiting (not started yet): the caller may still add to it. */
  lastWaiting(): S | undefined {
    return this.waiting[this.waiting.length - 1];
  }

  /** Resolves once no slice waits (one may still run): the moment to hand over the next fetched batch. */
  whenEmpty(): Promise<void> {
    if (this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  /** Resolves once nothing waits and nothing runs. */
  whenIdle(): Promise<void> {
    if (!this.running && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const slice = this.waiting.shift() as S;
      if (this.waiting.length === 0) this.emptyWaiters = settle(this.emptyWaiters);
      // The caller's run() handles its own failures (it retries or abandons); nothing here may stop the loop.
      if (this.keep(slice)) await this.run(slice).catch(() => undefined);
    }
    this.running = false;
    this.emptyWaiters = settle(this.emptyWaiters);
    this.idleWaiters = settle(this.idleWaiters);
  }
}

/** Resolves every waiter; returns the empty list that replaces them. */
function settle(waiters: readonly (() => void)[]): (() => void)[] {
  for (const resolve of waiters) resolve();
  return [];
}
