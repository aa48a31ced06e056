import type { AppliedCounts, FinishedSend } from './delivery-outcome.repository';

interface Waiting {
  send: FinishedSend;
  resolve(counts: AppliedCounts): void;
  reject(error: unknown): void;
}

/**
 * One destination's outcome writer: one transaction at a time, and the sends that finish while it runs go together
 * in the next one. A destination's outcomes all take its status row and outbox lane, so transactions of its own
 * would only queue there one COMMIT after another; one transaction for all of them holds both once.
 * (@tessera/kafka's SliceGroupCommit does this for consumer slices and is not exported.)
 */
export class OutcomeRecorder {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly write: (sends: readonly FinishedSend[]) => Promise<AppliedCounts[]>) {}

  /** Resolves once the send's outcome has committed, with its counts; rejects if its transaction failed. */
  record(send: FinishedSend): Promise<AppliedCounts> {
    return new Promise<AppliedCounts>((resolve, reject) => {
      this.waiting.push({ send, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        const counts = await this.write(group.map((w) => w.send));
        group.forEach((w, i) => w.resolve(counts[i]));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.writing = false;
  }
}
