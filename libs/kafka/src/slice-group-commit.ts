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
  /**
   * Items of one class never go to two groups in flight at once: a waiting item whose class is in flight waits for
   * that group to settle, and a group takes the rest of its last class past its share. For items that lock the same
   * rows (one key's slices of two topics), so that two transactions in flight do not wait on each other's locks.
   */
  affinity?: (item: I) => number;
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
  private readonly affinity?: (item: I) => number;
  /** The classes of the groups in flight (with `affinity`): each is in one group at most. */
  private readonly busy = new Set<number>();

  constructor(
    private readonly flush: (items: readonly I[]) => Promise<Settled<R>[]>,
    options: SliceGroupCommitOptions<I> = {},
  ) {
    this.parts = Math.max(1, options.parts ?? 1);
    this.budget = options.budget ?? Infinity;
    this.weight = options.weight ?? (() => 1);
    this.order = options.order;
    this.affinity = options.affinity;
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
    while (this.active < this.parts) {
      const free = this.affinity ? this.heaviestClassFirst(this.waiting.filter((w) => !this.busy.has(this.classOf(w)))) : this.waiting;
      if (free.length === 0) return;
      const group = this.take(free, Math.ceil(free.length / (this.parts - this.active)));
      const taken = new Set(group);
      this.waiting = this.waiting.filter((w) => !taken.has(w));
      const classes = this.affinity ? [...new Set(group.map((w) => this.classOf(w)))] : [];
      for (const c of classes) this.busy.add(c);
      this.active += 1;
      void this.flushGroup(group).finally(() => {
        for (const c of classes) this.busy.delete(c);
        this.active -= 1;
        this.schedule();
      });
    }
  }

  /** The first `share` of `free` within the budget, and past the share the rest of the last item's class. */
  private take(free: readonly Waiting<I, R>[], share: number): Waiting<I, R>[] {
    let weight = 0;
    let take = 0;
    while (take < free.length) {
      const extendsClass = this.affinity !== undefined && take > 0 && this.classOf(free[take]) === this.classOf(free[take - 1]);
      if (take >= share && !extendsClass) break;
      const w = this.weight(free[take].item);
      if (take > 0 && weight + w > this.budget) break;
      weight += w;
      take += 1;
    }
    return free.slice(0, take);
  }

  /**
   * The class with the most waiting weight goes first: a class runs in one group at a time, so under a backlog the
   * slot that frees takes the longest queue, rather than the first class in order again while the last one waits
   * and then runs alone with the other slot idle.
   */
  private heaviestClassFirst(free: readonly Waiting<I, R>[]): Waiting<I, R>[] {
    const weights = new Map<number, number>();
    for (const w of free) weights.set(this.classOf(w), (weights.get(this.classOf(w)) ?? 0) + this.weight(w.item));
    let heaviest: number | undefined;
    for (const [c, weight] of weights) if (heaviest === undefined || weight > weights.get(heaviest)!) heaviest = c;
    return [...free.filter((w) => this.classOf(w) === heaviest), ...free.filter((w) => this.classOf(w) !== heaviest)];
  }

  private classOf(waiting: Waiting<I, R>): number {
    return this.affinity!(waiting.item);
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
