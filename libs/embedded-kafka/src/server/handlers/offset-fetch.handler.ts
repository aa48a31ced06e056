import { ErrorCode } from '../../protocol';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

type TopicRequest = Array<{ name: string; partitionIndexes: number[] }> | null;

/** OffsetFetch: v8+ asks for several groups at once; before that, one group with a top-level error (v2+). */
export const handleOffsetFetch: RequestHandler = (ctx, { header, body }) => {
  if (header.apiVersion >= 8) {
    const groups: Array<{ groupId: string; topics: TopicRequest }> = body.groups;
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({ groupId: g.groupId, topics: fetchGroup(ctx, g.groupId, g.topics), errorCode: ErrorCode.NONE })),
    };
  }
  return { throttleTimeMs: 0, topics: fetchGroup(ctx, body.groupId, body.topics), errorCode: ErrorCode.NONE };
};

function fetchGroup(ctx: BrokerContext, groupId: string, topics: TopicRequest) {
  return ctx.groupOffsets.fetch(groupId, topics).map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}
