import type { RequestHandler } from '../request-handler';

/** SyncGroup parks followers until the leader's assignments arrive. */
export const handleSyncGroup: RequestHandler = async (ctx, { body }) => {
  const result = await ctx.coordinator.sync({
    groupId: body.groupId,
    generationId: body.generationId,
    memberId: body.memberId,
    groupInstanceId: body.groupInstanceId ?? null,
    protocolType: body.protocolType ?? null,
    protocolName: body.protocolName ?? null,
    assignments: body.assignments,
  });
  return { throttleTimeMs: 0, ...result };
};
