import type { LogStore } from '../storage';

type Wake = () => void;

/**
 * Parks long-polling fetches until one of their partitions gets an append (LogStore.onAppend) or they time out.
 * No polling: an idle consumer costs a timer and a map entry.
 */
export class FetchWaiters {
  private readonly byPartition = new Map<string, Set<Wake>>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(store: LogStore) {
    this.unsubscribe = store.onAppend((topic, partition) => this.wakePartition(topic, partition));
  }

  /**
   * Resolves when an append hits one of `partitions`, after `maxWaitMs`, or at shutdown; whichever is first.
   * Resolves true when woken by an append.
   */
  wait(partitions: Array<{ topic: string; partition: number }>, maxWaitMs: number): Promise<boolean> {
    if (this.closed || maxWaitMs <= 0 || partitions.length === 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const keys = partitions.map((p) => key(p.topic, p.partition));
      const done = (appended: boolean) => {
        clearTimeout(timer);
        for (const k of keys) {
          const set = this.byPartition.get(k);
          set?.delete(wake);
          if (set?.size === 0) this.byPartition.delete(k);
        }
        resolve(appended);
      };
      const wake: Wake = () => done(true);
      const timer = setTimeout(() => done(false), maxWaitMs);
      for (const k of keys) {
        const set = this.byPartition.get(k) ?? new Set<Wake>();
        set.add(wake);
        this.byPartition.set(k, set);
      }
    });
  }

  /** Wakes every parked fetch (broker shutdown or topic deletion) so responses go out promptly. */
  wakeAll(): void {
    for (const set of [...this.byPartition.values()]) for (const wake of [...set]) wake();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.wakeAll();
  }

  private wakePartition(topic: string, partition: number): void {
    const set = this.byPartition.get(key(topic, partition));
    if (set) for (const wake of [...set]) wake();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
