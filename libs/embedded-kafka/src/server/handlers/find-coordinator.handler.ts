import { ErrorCode } from '../../protocol';
import type { RequestHandler } from '../request-handler';

const GROUP_KEY_TYPE = 0;

/**
 * Every group is coordinated by this broker. Transactions are not supported, so a transaction coordinator lookup
 * (key type 1) gets COORDINATOR_NOT_AVAILABLE: what Kafka answers while no transaction coordinator can serve.
 */
export const handleFindCoordinator: RequestHandler = (ctx, { header, body }) => {
  const { brokerId, advertisedHost, advertisedPort } = ctx.config;
  const keyType: number = body.keyType ?? GROUP_KEY_TYPE;
  const answer = (key: string) =>
    keyType === GROUP_KEY_TYPE
      ? { key, nodeId: brokerId, host: advertisedHost, port: advertisedPort, errorCode: ErrorCode.NONE, errorMessage: null }
      : {
          key,
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
          errorMessage: 'Transactions are not supported by this broker',
        };
  if (header.apiVersion >= 4) {
    return { throttleTimeMs: 0, coordinators: (body.coordinatorKeys as string[]).map(answer) };
  }
  return { throttleTimeMs: 0, ...answer(body.key as string) };
};
