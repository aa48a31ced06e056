import type { RequestHandler } from '../request-handler';

export const handleHeartbeat: RequestHandler = (ctx, { body }) => ({
  throttleTimeMs: 0,
  errorCode: ctx.coordinator.heartbeat({
    groupId: body.groupId,
    generationId: body.generationId,
    memberId: body.memberId,
    groupInstanceId: body.groupInstanceId ?? null,
  }),
});
