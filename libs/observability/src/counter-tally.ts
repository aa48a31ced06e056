import type { Counter, LabelValues } from 'prom-client';

interface PendingIncrement {
  counter: Counter<string>;
  labels: LabelValues<string> | undefined;
  by: number;
}

/**
 * Counter increments gathered while a consumer slice is applied, added to their counters only by `flush()`, which
 * the consumer calls once the slice's transaction has committed: a slice that rolls back and is retried, or is
 * re-applied message by message to isolate a poison one, must not count twice.
 */
export class CounterTally {
  private readonly pending: PendingIncrement[] = [];

  add<L extends string>(counter: Counter<L>, labels?: LabelValues<L>, by = 1): void {
    if (by !== 0) this.pending.push({ counter: counter as unknown as Counter<string>, labels, by });
  }

  flush(): void {
    for (const { counter, labels, by } of this.pending.splice(0)) {
      if (labels) counter.inc(labels, by);
      else counter.inc(by);
    }
  }
}
