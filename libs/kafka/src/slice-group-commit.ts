/** A caller's result, or the error it is rejected with. */
export type Settled<R> = { value: R } | { error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export interface SliceGroupCommitOptions<I> {
  /** Groups in flight at once, at most (default 1). */
  parts?: number;
  /** A group holds at most this much weight (a single item may exceed it). */
  budget?: number;
  weight?: (item: I) => number;
  /** The order in which waiting items are taken into groups (default: as they arrived). */
  order?: (a: I, b: I) => number;
}

/**
 * Group commit for callers that each bring one item: what is submitted while every flush slot is busy accumulates,
 * and goes out together when a slot frees. kafkajs hands a fetch's partition batches to its workers in one turn
 * (partitionsConsumedConcurrently workers, all started before the first awaits I/O), so the slices of one fetch
 * arrive together and become few transactions; each caller then gets its own result and commits its own Kafka
 * offset. What arrived together is spread over the free slots, and no more than `parts` groups are ever in flight,
 * so a consumer holds no more connections, rows and locks than `parts` full slices.
 */
export class SliceGroupCommit<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private active = 0;
  private scheduled = false;
  private readonly parts: number;
  private readonly budget: number;
  private readonly weight: (item: I) => number;
  private readonly order?: (a: I, b: I) => number;

  constructor(
    private readonly flush: (items: readonly I[]) => Promise<Settled<R>[]>,
    options: SliceGroupCommitOptions<I> = {},
  ) {
    this.parts = Math.max(1, options.parts ?? 1);
    this.budget = options.budget ?? Infinity;
    this.weight = options.weight ?? (() => 1);
    this.order = options.order;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** setImmediate runs after the pending I/O callbacks and microtasks of this turn: every worker has submitted. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const order = this.order;
    if (order && this.active < this.parts) this.waiting.sort((a, b) => order(a.item, b.item));
    while (this.active < this.parts && this.waiting.length > 0) {
      const share = Math.ceil(this.waiting.length / (this.parts - this.active));
      let weight = 0;
      let take = 0;
      while (take < this.waiting.length && take < share) {
        const w = this.weight(this.waiting[take].item);
        if (take > 0 && weight + w > this.budget) break;
        weight += w;
        take += 1;
      }
      this.active += 1;
      void this.flushGroup(this.waiting.splice(0, take)).finally(() => {
        this.active -= 1;
        this.schedule();
      });
    }
  }

  private async flushGroup(group: readonly Waiting<I, R>[]): Promise<void> {
    let settled: Settled<R>[];
    try {
      settled = await this.flush(group.map((w) => w.item));
    } catch (error) {
      settled = group.map(() => ({ error }));
    }
    group.forEach((w, i) => {
      const result = settled[i];
      if ('value' in result) w.resolve(result.value);
      else w.reject(result.error);
    });
  }
}

/** Runs `work` and returns its outcome as a value, so one caller's failure does not reject the whole group. */
export async function settle<R>(work: Promise<R>): Promise<Settled<R>> {
  try {
    return { value: await work };
  } catch (error) {
    return { error };
  }
}
