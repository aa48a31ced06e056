/** One OffsetCommit request: every partition's offset to commit, by topic. */
export type CommitOffsets = (topics: { topic: string; partitions: { partition: number; offset: string }[] }[]) => Promise<void>;

/**
 * Kafka offset commits off the consumer's path: `note` records a partition's next offset once its slice committed in
 * the database, and one request at a time carries the newest noted offset of every partition. A partition's offsets
 * are noted in order and each request waits for the previous one, so what Kafka holds only moves forward; a commit
 * that fails is only logged by `commit` (the database offset is the truth, it skips a redelivery).
 */
export class OffsetCommitCoalescer {
  private pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private inFlight: Promise<void> | undefined;

  constructor(private readonly commit: CommitOffsets) {}

  note(topic: string, partition: number, offset: string): void {
    this.pending.set(`${topic}\u0000${partition}`, { topic, partition, offset });
    this.inFlight ??= this.send();
  }

  /** Resolves once every offset noted so far was sent (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async send(): Promise<void> {
    while (this.pending.size > 0) {
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, offset } of this.pending.values()) {
        const partitions = byTopic.get(topic) ?? [];
        if (partitions.length === 0) byTopic.set(topic, partitions);
        partitions.push({ partition, offset });
      }
      this.pending = new Map();
      await this.commit([...byTopic].map(([topic, partitions]) => ({ topic, partitions }))).catch(() => undefined);
    }
    this.inFlight = undefined;
  }
}
