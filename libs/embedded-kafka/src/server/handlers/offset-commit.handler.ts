import { GroupErrorCode } from '../../group/group-error-codes';
import { DeferredResponse, type RequestHandler } from '../request-handler';

interface CommitTopic {
  name: string;
  partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch?: number; committedMetadata: string | null }>;
}

/**
 * OffsetCommit: the coordinator checks generation and member (simple commits use generation -1). The answer waits
 * for the commit's group fsync; meanwhile the connection handles the next requests. If the disk fails, the
 * accepted entries answer COORDINATOR_NOT_AVAILABLE, which clients retry (Kafka's answer when the offsets log
 * cannot be written).
 */
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
  const { outcomes, durable } = ctx.groupOffsets.commit(
    {
      groupId: body.groupId,
      // v0 has neither generation nor member: a simple commit.
      generationId: header.apiVersion >= 1 ? body.generationIdOrMemberEpoch : -1,
      memberId: header.apiVersion >= 1 ? body.memberId : '',
      groupInstanceId: body.groupInstanceId ?? null,
    },
    entries,
  );
  const respond = (storageFailed: boolean) => {
    let i = 0;
    const code = (errorCode: number) =>
      storageFailed && errorCode === GroupErrorCode.NONE ? GroupErrorCode.COORDINATOR_NOT_AVAILABLE : errorCode;
    return {
      throttleTimeMs: 0,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(outcomes[i++].errorCode) })),
      })),
    };
  };
  return new DeferredResponse(
    durable.then(
      () => respond(false),
      () => respond(true),
    ),
  );
};
