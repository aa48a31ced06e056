import { ErrorCode } from '../../protocol';
import type { PartitionLog } from '../../storage';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

const ZERO_UUID = Buffer.alloc(16);
const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

interface WantedPartition {
  topic: string;
  topicId: Buffer;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  log?: PartitionLog;
  /** Set when the partition cannot be read at all (unknown topic or id). */
  errorCode?: number;
}

/**
 * Fetch with Kafka's long poll: answer at once when minBytes are there (or maxWaitMs is 0), else park until an
 * append to one of the partitions (LogStore.onAppend) or maxWaitMs. Fetch sessions (KIP-227) are not kept:
 * every response has session id 0, which clients treat as "full fetch each time", as with a broker whose session
 * cache is full. With one replica the high watermark and last stable offset are both the log end offset.
 */
export const handleFetch: RequestHandler = async (ctx, { body }) => {
  if ((body.sessionId ?? 0) !== 0) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
  }
  let wanted = resolvePartitions(ctx, body.topics);
  const maxBytes: number = body.maxBytes ?? 0x7fffffff;
  const minBytes: number = body.minBytes;
  const abortedTransactions = body.isolationLevel === READ_COMMITTED ? [] : null;

  let result = readAll(wanted, maxBytes);
  const deadline = Date.now() + body.maxWaitMs;
  const watched = wanted.filter((w) => w.log).map((w) => ({ topic: w.topic, partition: w.partition }));
  while (result.bytes < minBytes && !result.hasError) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const appended = await ctx.fetchWaiters.wait(watched, remaining);
    wanted = resolvePartitions(ctx, body.topics); // a topic may have been deleted meanwhile
    result = readAll(wanted, maxBytes);
    if (!appended) break;
  }

  const byTopic = new Map<string, { topic: string; topicId: Buffer; partitions: unknown[] }>();
  wanted.forEach((w, i) => {
    const key = `${w.topic}\u0000${w.topicId.toString('hex')}`;
    const entry = byTopic.get(key) ?? { topic: w.topic, topicId: w.topicId, partitions: [] };
    const read = result.partitions[i];
    entry.partitions.push({
      partitionIndex: w.partition,
      errorCode: read.errorCode,
      highWatermark: w.log ? BigInt(w.log.logEndOffset) : -1n,
      lastStableOffset: w.log ? BigInt(w.log.logEndOffset) : -1n,
      logStartOffset: w.log ? BigInt(w.log.logStartOffset) : -1n,
      abortedTransactions,
      preferredReadReplica: -1,
      records: read.records,
    });
    byTopic.set(key, entry);
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [...byTopic.values()] };
};

function resolvePartitions(
  ctx: BrokerContext,
  topics: Array<{
    topic?: string;
    topicId?: Buffer;
    partitions: Array<{ partition: number; fetchOffset: bigint; partitionMaxBytes: number }>;
  }>,
): WantedPartition[] {
  const wanted: WantedPartition[] = [];
  for (const t of topics) {
    // Fetch v13+ names topics by id only.
    const byId = t.topicId && !t.topicId.equals(ZERO_UUID);
    const info = byId ? ctx.store.getTopicById(t.topicId as Buffer) : ctx.store.getTopic(t.topic ?? '');
    for (const p of t.partitions) {
      const log = info ? ctx.store.partition(info.name, p.partition) : undefined;
      wanted.push({
        topic: info?.name ?? t.topic ?? '',
        topicId: t.topicId ?? ZERO_UUID,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        log,
        errorCode: log ? undefined : byId && !info ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      });
    }
  }
  return wanted;
}

/**
 * Reads every partition within the response budget: partitionMaxBytes each and maxBytes overall, except that the
 * first non-empty partition may exceed both by one batch so a large batch never blocks a consumer (KIP-74).
 */
function readAll(wanted: WantedPartition[], maxBytes: number) {
  let budget = maxBytes;
  let bytes = 0;
  let hasError = false;
  const partitions = wanted.map((w) => {
    if (!w.log) {
      hasError = true;
      return { errorCode: w.errorCode as number, records: EMPTY };
    }
    if (budget <= 0 && bytes > 0) return { errorCode: ErrorCode.NONE, records: EMPTY };
    const read = w.log.read(w.fetchOffset, Math.max(Math.min(w.partitionMaxBytes, budget), 1));
    if (read.errorCode !== ErrorCode.NONE) hasError = true;
    bytes += read.records.length;
    budget -= read.records.length;
    return read;
  });
  return { partitions, bytes, hasError };
}
