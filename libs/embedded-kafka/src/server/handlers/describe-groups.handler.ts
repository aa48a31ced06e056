import type { RequestHandler } from '../request-handler';

export const handleDescribeGroups: RequestHandler = (ctx, { body }) => ({
  throttleTimeMs: 0,
  groups: (body.groups as string[]).map((groupId) => ctx.groupDescriber.describe(groupId)),
});
