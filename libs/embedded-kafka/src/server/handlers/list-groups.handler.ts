import { ErrorCode } from '../../protocol';
import type { RequestHandler } from '../request-handler';

export const handleListGroups: RequestHandler = (ctx, { body }) => ({
  throttleTimeMs: 0,
  errorCode: ErrorCode.NONE,
  groups: ctx.groupDescriber.list(body.statesFilter ?? [], body.typesFilter ?? []),
});
