import { ErrorCode } from '../../protocol';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

/** ListOffsets: -1 latest (the LEO, which is also the last stable offset here), -2 earliest, else by timestamp. */
export const handleListOffsets: RequestHandler = (ctx, { body }) => {
  const topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; timestamp: bigint }> }> = body.topics;
  return {
    throttleTimeMs: 0,
    topics: topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partitionIndex, timestamp }) => ({ partitionIndex, ...lookup(ctx, name, partitionIndex, timestamp) })),
    })),
  };
};

function lookup(ctx: BrokerContext, topic: string, partition: number, timestamp: bigint) {
  const log = ctx.store.partition(topic, partition);
  if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
  const found = log.offsetForTimestamp(timestamp);
  if (!found) return { errorCode: ErrorCode.NONE, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
  return { errorCode: ErrorCode.NONE, oldStyleOffsets: [found.offset], timestamp: found.timestamp, offset: found.offset, leaderEpoch: 0 };
}
