import { ErrorCode } from '../../protocol';
import type { RequestHandler } from '../request-handler';

/**
 * Idempotent producers get a fresh producer id with epoch 0 (Kafka also hands out a new id when a
 * non-transactional producer asks to bump its epoch, KIP-360). A transactional id gets COORDINATOR_NOT_AVAILABLE,
 * matching FindCoordinator: no transaction coordinator exists on this broker.
 */
export const handleInitProducerId: RequestHandler = (ctx, { body }) => {
  if (body.transactionalId !== null && body.transactionalId !== undefined) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.store.producerIds.next(), producerEpoch: 0 };
};
