import { ErrorCode } from '../../protocol';
import type { TopicInfo } from '../../storage';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

const ZERO_UUID = Buffer.alloc(16);

/**
 * Metadata: this broker is the only node, the controller and every partition's leader. A null topic list (v1+)
 * or an empty one in v0 means all topics; missing topics are auto-created when the broker and request allow it.
 */
export const handleMetadata: RequestHandler = (ctx, { header, body }) => {
  const { config } = ctx;
  const requested: Array<{ name: string | null; topicId?: Buffer }> | null = body.topics;
  const allTopics = requested === null || (header.apiVersion === 0 && requested.length === 0);
  const topics = allTopics
    ? ctx.store.listTopics().map((topic) => describeTopic(ctx, topic))
    : requested.map((t) => lookup(ctx, t, body.allowAutoTopicCreation !== false));
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: config.brokerId, host: config.advertisedHost, port: config.advertisedPort, rack: null }],
    clusterId: config.clusterId,
    controllerId: config.brokerId,
    topics,
  };
};

function lookup(ctx: BrokerContext, requested: { name: string | null; topicId?: Buffer }, allowAutoCreate: boolean) {
  if (requested.name === null || requested.name === undefined) {
    const byId = requested.topicId && !requested.topicId.equals(ZERO_UUID) ? ctx.store.getTopicById(requested.topicId) : undefined;
    if (byId) return describeTopic(ctx, byId);
    return {
      errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
      name: null,
      topicId: requested.topicId ?? ZERO_UUID,
      isInternal: false,
      partitions: [],
    };
  }
  const found = ctx.topics.ensure(requested.name, allowAutoCreate);
  if ('topic' in found) return describeTopic(ctx, found.topic);
  return { errorCode: found.errorCode, name: requested.name, topicId: ZERO_UUID, isInternal: false, partitions: [] };
}

function describeTopic(ctx: BrokerContext, topic: TopicInfo) {
  const brokerId = ctx.config.brokerId;
  const partitions = [];
  for (let index = 0; index < topic.partitions; index++) {
    partitions.push({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: brokerId,
      leaderEpoch: 0,
      replicaNodes: [brokerId],
      isrNodes: [brokerId],
      offlineReplicas: [],
    });
  }
  return { errorCode: ErrorCode.NONE, name: topic.name, topicId: topic.topicId, isInternal: false, partitions };
}
