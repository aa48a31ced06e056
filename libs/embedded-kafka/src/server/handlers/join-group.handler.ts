import type { RequestHandler } from '../request-handler';

/** JoinGroup parks in the coordinator until the rebalance completes (or fails). */
export const handleJoinGroup: RequestHandler = async (ctx, { header, body, clientHost }) => {
  const result = await ctx.coordinator.join({
    groupId: body.groupId,
    memberId: body.memberId,
    groupInstanceId: body.groupInstanceId ?? null,
    sessionTimeoutMs: body.sessionTimeoutMs,
    rebalanceTimeoutMs: header.apiVersion >= 1 ? body.rebalanceTimeoutMs : -1,
    protocolType: body.protocolType,
    protocols: body.protocols,
    clientId: header.clientId ?? '',
    clientHost,
    requireKnownMemberId: header.apiVersion >= 4,
  });
  // Before v7 the protocol name is not nullable: Kafka sends "" on errors.
  const protocolName = result.protocolName ?? (header.apiVersion >= 7 ? null : '');
  return { throttleTimeMs: 0, ...result, protocolName };
};
