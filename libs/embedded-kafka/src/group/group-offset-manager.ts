import { GroupCoordinator } from './group-coordinator';
import { GroupErrorCode as E } from './group-error-codes';
import type { CommittedOffset, CommittedOffsetStore, MemberIdentity } from './group-types';

/** Kafka's offset.metadata.max.bytes default. */
export const MAX_OFFSET_METADATA_BYTES = 4096;

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetCommitOutcome extends OffsetCommitEntry {
  errorCode: number;
}

/** Commits and fetches group offsets: membership is checked by the coordinator, durability is the store's. */
export class GroupOffsetManager {
  constructor(
    private readonly coordinator: GroupCoordinator,
    private readonly store: CommittedOffsetStore,
    private readonly partitionExists: (topic: string, partition: number) => boolean,
  ) {}

  /** The outcome per entry, and when the accepted ones are durable (answer the client only then). */
  commit(identity: MemberIdentity, entries: OffsetCommitEntry[]): { outcomes: OffsetCommitOutcome[]; durable: Promise<void> } {
    const groupError = this.coordinator.validateOffsetCommit(identity);
    if (groupError !== E.NONE) return { outcomes: entries.map((e) => ({ ...e, errorCode: groupError })), durable: Promise.resolve() };
    const outcomes = entries.map((e) => ({ ...e, errorCode: this.entryError(e) }));
    const accepted = outcomes.filter((o) => o.errorCode === E.NONE);
    const durable =
      accepted.length > 0
        ? this.store.commit(
            identity.groupId,
            accepted.map(({ topic, partition, offset, leaderEpoch, metadata }) => ({ topic, partition, offset, leaderEpoch, metadata })),
          )
        : undefined;
    return { outcomes, durable: Promise.resolve(durable) };
  }

  /**
   * Committed offsets of a group. `topics` null means every committed partition (OffsetFetch v2+); partitions
   * without a commit answer offset -1 and empty metadata, as Kafka does.
   */
  fetch(
    groupId: string,
    topics: Array<{ name: string; partitionIndexes: number[] }> | null,
  ): Array<{ name: string; partitions: Array<{ partitionIndex: number } & CommittedOffset & { errorCode: number }> }> {
    const committed = this.store.fetch(groupId);
    const wanted =
      topics ??
      [...committed.entries()].map(([name, partitions]) => ({ name, partitionIndexes: [...partitions.keys()].sort((a, b) => a - b) }));
    return wanted.map(({ name, partitionIndexes }) => ({
      name,
      partitions: partitionIndexes.map((partitionIndex) => {
        const found = committed.get(name)?.get(partitionIndex);
        return {
          partitionIndex,
          offset: found?.offset ?? -1n,
          leaderEpoch: found?.leaderEpoch ?? -1,
          metadata: found ? found.metadata : '',
          errorCode: E.NONE,
        };
      }),
    }));
  }

  private entryError(entry: OffsetCommitEntry): number {
    if (!this.partitionExists(entry.topic, entry.partition)) return E.UNKNOWN_TOPIC_OR_PARTITION;
    if (entry.metadata !== null && Buffer.byteLength(entry.metadata) > MAX_OFFSET_METADATA_BYTES) {
      return E.OFFSET_METADATA_TOO_LARGE;
    }
    return E.NONE;
  }
}
