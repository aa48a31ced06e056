/** Offsets as kafkajs's `commitOffsetsIfNecessary(offsets)` takes them: one OffsetCommit request for all of them. */
export interface OffsetsToCommit {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export type SendOffsetCommit = (offsets: OffsetsToCommit) => Promise<void>;

interface PendingOffset {
  topic: string;
  partition: number;
  offset: string;
  waiters: (() => void)[];
}

/**
 * One consumer's Kafka offset commits, coalesced: the partitions whose slices finish in the same turn (a group
 * transaction's) go out in one OffsetCommit request instead of one each, and while a request is in flight the
 * newest offset of each partition waits for the next one. So a partition's offsets are committed in order, and
 * the broker answers one request per round of a consumer rather than one per partition. A failed request is
 * reported and its callers resolved all the same: the database's offset is the truth and skips a redelivery.
 */
export class OffsetCommitBatcher {
  private pending = new Map<string, PendingOffset>();
  private send: SendOffsetCommit | undefined;
  private inFlight = false;
  private scheduled = false;

  constructor(private readonly onError: (err: unknown, offsets: OffsetsToCommit) => void) {}

  /**
   * Commits `offset` (the next offset to read) for the partition with the next request; resolves once a request
   * carrying it, or a newer offset of the partition, was answered. `send` is any of the consumer's
   * commitOffsetsIfNecessary: they all commit through the same group member.
   */
  commit(send: SendOffsetCommit, topic: string, partition: number, offset: string): Promise<void> {
    return new Promise((resolve) => {
      const key = `${partition}:${topic}`;
      const entry = this.pending.get(key);
      if (entry) {
        entry.offset = offset;
        entry.waiters.push(resolve);
      } else {
        this.pending.set(key, { topic, partition, offset, waiters: [resolve] });
      }
      this.send = send;
      this.schedule();
    });
  }

  /** setImmediate: the callers a group transaction resumes in one turn all add their offsets first. */
  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const send = this.send;
    if (this.pending.size === 0 || !send) return;
    const entries = [...this.pending.values()];
    this.pending = new Map();
    const offsets = toOffsets(entries);
    this.inFlight = true;
    try {
      await send(offsets);
    } catch (err) {
      this.onError(err, offsets);
    } finally {
      this.inFlight = false;
    }
    for (const entry of entries) for (const resolve of entry.waiters) resolve();
    if (this.pending.size > 0) this.schedule();
  }
}

function toOffsets(entries: readonly PendingOffset[]): OffsetsToCommit {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of entries) {
    const partitions = byTopic.get(topic);
    if (partitions) partitions.push({ partition, offset });
    else byTopic.set(topic, [{ partition, offset }]);
  }
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}
