/** A caller's result, or the error it is rejected with. */
export type Settled<R> = { value: R } | { error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Collects what callers submit in the same turn of the event loop and hands it over as one group. kafkajs hands a
 * fetch's partition batches to its workers in one turn (partitionsConsumedConcurrently workers, all started
 * before the first awaits I/O), so the slices of one fetch arrive together and become one transaction; each
 * caller then gets its own result and commits its own Kafka offset. A group in flight does not hold back the next
 * one: a caller that arrives meanwhile starts a group of its own.
 */
export class SliceGroupCommit<I, R> {
  private waiting: Waiting<I, R>[] = [];

  constructor(private readonly flush: (items: readonly I[]) => Promise<Settled<R>[]>) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // setImmediate runs after the pending I/O callbacks and microtasks of this turn: every worker has submitted.
      if (this.waiting.length === 1) setImmediate(() => void this.run());
    });
  }

  private async run(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
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
