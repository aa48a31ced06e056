import type { RequestHandler } from '../request-handler';

/** LeaveGroup v3+ leaves a batch of members; v0-2 one member, whose error becomes the top-level one. */
export const handleLeaveGroup: RequestHandler = (ctx, { header, body }) => {
  const batch = header.apiVersion >= 3;
  const leaving: Array<{ memberId: string; groupInstanceId: string | null }> = batch
    ? body.members.map((m: { memberId: string; groupInstanceId: string | null }) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
      }))
    : [{ memberId: body.memberId, groupInstanceId: null }];
  const result = ctx.coordinator.leave(body.groupId, leaving);
  const errorCode = batch || result.errorCode !== 0 ? result.errorCode : result.members[0].errorCode;
  return { throttleTimeMs: 0, errorCode, members: result.members };
};
