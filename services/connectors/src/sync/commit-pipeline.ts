/**
 * Checkpoint transactions one at a time, in order, each overlapping the read that follows it: `next` waits for the
 * previous transaction (throwing its error), then starts this one and returns without waiting for it. The connector
 * reads and the service encodes the next batch while Postgres commits the last one, instead of taking turns.
 *
 * Exactly-once is unchanged: a checkpoint still commits its records with its cursor, checkpoints commit in read
 * order, and at most one is in flight, so a crash loses at most the batches not yet committed, which the resumed run
 * re-reads from the last committed cursor with the same message ids.
 */
export class CommitPipeline {
  private inFlight: Promise<void> | null = null;

  async next(transaction: () => Promise<void>): Promise<void> {
    await this.drain();
    const started = transaction();
    // Observed at the next `next` or `drain`; until then its failure must not count as unhandled.
    started.catch(() => undefined);
    this.inFlight = started;
  }

  /** Waits for the transaction in flight, if any, throwing its error. */
  async drain(): Promise<void> {
    const previous = this.inFlight;
    this.inFlight = null;
    if (previous) await previous;
  }
}
