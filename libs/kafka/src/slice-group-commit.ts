/** A caller's result, or the error it is rejected with. */
export type Settled<R> = { value: R } | { error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export interface SliceGroupCommitOptions<I> {
  /** What arrived together is split into at most this many parts, flushed concurrently (default 1). */
  parts?: number;
  /** Each part is flushed in groups of at most this much weight, one after the other (a single item may exceed it). */
  budget?: number;
  weight?: (item: I) => number;
}

/**
 * Collects what callers submit in the same turn of the event loop and hands it over in groups. kafkajs hands a
 * fetch's partition batches to its workers in one turn (partitionsConsumedConcurrently workers, all started before
 * the first awaits I/O), so the slices of one fetch arrive together and become few transactions; each caller then
 * gets its own result and commits its own Kafka offset. A group in flight does not hold back the next one: a caller
 * that arrives meanwhile starts a group of its own.
 */
export class SliceGroupCommit<I, R> {
  private waiting: Waiting<I, R>[] = [];
  private readonly parts: number;
  private readonly budget: number;
  private readonly weight: (item: I) => number;

  constructor(
    private readonly flush: (items: readonly I[]) => Promise<Settled<R>[]>,
    options: SliceGroupCommitOptions<I> = {},
  ) {
    this.parts = Math.max(1, options.parts ?? 1);
    this.budget = options.budget ?? Infinity;
    this.weight = options.weight ?? (() => 1);
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // setImmediate runs after the pending I/O callbacks and microtasks of this turn: every worker has submitted.
      if (this.waiting.length === 1) setImmediate(() => this.run());
    });
  }

  private run(): void {
    const arrived = this.waiting;
    this.waiting = [];
    const size = Math.ceil(arrived.length / this.parts);
    for (let start = 0; start < arrived.length; start += size) void this.flushPart(arrived.slice(start, start + size));
  }

  private async flushPart(part: readonly Waiting<I, R>[]): Promise<void> {
    let group: Waiting<I, R>[] = [];
    let weight = 0;
    for (const waiting of part) {
      const w = this.weight(waiting.item);
      if (group.length > 0 && weight + w > this.budget) {
        await this.flushGroup(group);
        group = [];
        weight = 0;
      }
      group.push(waiting);
      weight += w;
    }
    await this.flushGroup(group);
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
