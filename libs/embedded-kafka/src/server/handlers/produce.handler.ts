import { ErrorCode } from '../../protocol';
import type { AppendResult } from '../../storage';
import type { BrokerContext } from '../broker-context';
import { CloseConnection, DeferredResponse, type RequestHandler } from '../request-handler';

interface PartitionData {
  index: number;
  records: Buffer | null;
}

type PartitionOutcome = Omit<AppendResult, 'durable' | 'errorMessage'> & { errorMessage: string | null };

/**
 * Produce: each partition's batches go to PartitionLog.append, which validates (CRC, magic, sizes, idempotent
 * sequences) and assigns offsets. When the fsync policy wants the data on disk, the response waits for the group
 * commit (deferFsync) while the connection goes on with its next requests. acks=0 gets no response at all, as in
 * Kafka, and a failed acks=0 produce closes the connection so the producer notices and refreshes its metadata.
 * Transactional produce is refused with INVALID_TXN_STATE: this broker never starts a transaction.
 */
export const handleProduce: RequestHandler = (ctx, { body }) => {
  const acks: number = body.acks;
  const topicData: Array<{ name: string; partitionData: PartitionData[] }> = body.topicData;
  const pendingFsyncs: Array<Promise<void>> = [];
  const responses = topicData.map(({ name, partitionData }) => ({
    name,
    partitionResponses: partitionData.map((p) => {
      const { durable, ...outcome } = appendOne(ctx, name, p, acks, body.transactionalId);
      if (durable) {
        // A failed fsync turns this partition's answer into KAFKA_STORAGE_ERROR; the producer retries and
        // idempotence dedupes the retry.
        pendingFsyncs.push(
          durable.catch((error: unknown) => {
            Object.assign(outcome, {
              errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
              baseOffset: -1n,
              errorMessage: `Disk error while syncing: ${String(error)}`,
            });
          }),
        );
      }
      return { index: p.index, ...outcome, recordErrors: [] };
    }),
  }));
  if (acks === 0) {
    const failed = responses.flatMap((t) =>
      t.partitionResponses.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => `${t.name}-${p.index}: ${p.errorMessage}`),
    );
    return failed.length > 0 ? new CloseConnection(`acks=0 produce failed (${failed.join('; ')})`) : null;
  }
  if (pendingFsyncs.length === 0) return { responses, throttleTimeMs: 0 };
  return new DeferredResponse(Promise.all(pendingFsyncs).then(() => ({ responses, throttleTimeMs: 0 })));
};

function appendOne(
  ctx: BrokerContext,
  topic: string,
  data: PartitionData,
  acks: number,
  transactionalId: string | null,
): PartitionOutcome & { durable?: Promise<void> } {
  const fail = (errorCode: number, errorMessage: string) => ({
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    errorMessage,
  });
  if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS, `Invalid required acks ${acks}`);
  if (transactionalId !== null && transactionalId !== undefined) {
    return fail(ErrorCode.INVALID_TXN_STATE, 'Transactions are not supported by this broker');
  }
  const found = ctx.topics.ensure(topic, true);
  if (!('topic' in found)) return fail(found.errorCode, found.errorMessage);
  const log = ctx.store.partition(topic, data.index);
  if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unknown partition ${topic}-${data.index}`);
  const result = log.append(data.records, { acks, deferFsync: true });
  if (result.errorCode !== ErrorCode.NONE) {
    ctx.logger.debug({ topic, partition: data.index, errorCode: result.errorCode, reason: result.errorMessage }, 'produce rejected');
  }
  return { ...result, errorMessage: result.errorMessage ?? null };
}
