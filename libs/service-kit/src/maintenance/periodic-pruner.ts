import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@tessera/observability';

export interface PrunerOptions {
  /** What is pruned, for log lines ("expired dedupe keys"). */
  what: string;
  intervalMs: number;
  logger: Logger;
  /** One batched delete pass; resolves to the number of rows deleted. */
  prune(): Promise<number>;
  onPruned(deleted: number): void;
}

/**
 * Runs a batched delete on an interval. Correctness never depends on it (expired rows are ignored by their
 * readers); table size does. A pass in flight is awaited at shutdown so the pool is not closed under it.
 */
export abstract class PeriodicPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  protected constructor(private readonly options: PrunerOptions) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneNow(), this.options.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pruning pass; concurrent calls share the pass in flight. */
  pruneNow(): Promise<void> {
    const { what, logger } = this.options;
    this.running ??= this.options
      .prune()
      .then((deleted) => {
        this.options.onPruned(deleted);
        if (deleted > 0) logger.info({ deleted }, `pruned ${what}`);
      })
      .catch((err: unknown) => logger.warn({ err }, `pruning ${what} failed`))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
