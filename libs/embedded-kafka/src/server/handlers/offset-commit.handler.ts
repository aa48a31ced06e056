import type { RequestHandler } from '../request-handler';

interface CommitTopic {
  name: string;
  partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata: string | null }>;
}

/** OffsetCommit: the coordinator checks generation and member (simple commits use generation -1). */
export const handleOffsetCommit: RequestHandler = (ctx, { header, body }) => {
  const topics: CommitTopic[] = body.topics;
  const entries = topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch ?? -1,
      metadata: p.committedMetadata,
    })),
  );
  const outcomes = ctx.groupOffsets.commit(
    {
      groupId: body.groupId,
      // v0 has neither generation nor member: a simple commit.
      generationId: header.apiVersion >= 1 ? body.generationIdOrMemberEpoch : -1,
      memberId: header.apiVersion >= 1 ? body.memberId : '',
      groupInstanceId: body.groupInstanceId ?? null,
    },
    entries,
  );
  let i = 0;
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: outcomes[i++].errorCode })),
    })),
  };
};
