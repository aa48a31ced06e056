import { ErrorCode } from '../../protocol';
import type { TopicInfo } from '../../storage';
import type { BrokerContext } from '../broker-context';
import type { RequestHandler } from '../request-handler';

const ZERO_UUID = Buffer.alloc(16);

/** DeleteTopics by name, and by topic id from v6. Parked fetches are woken so they do not read a deleted log. */
export const handleDeleteTopics: RequestHandler = (ctx, { header, body }) => {
  const requested: Array<{ name: string | null; topicId: Buffer }> =
    header.apiVersion >= 6 ? body.topics : (body.topicNames as string[]).map((name) => ({ name, topicId: ZERO_UUID }));
  const responses = requested.map((r) => deleteOne(ctx, r.name, r.topicId));
  ctx.fetchWaiters.wakeAll();
  return { throttleTimeMs: 0, responses };
};

function deleteOne(ctx: BrokerContext, name: string | null, topicId: Buffer) {
  let topic: TopicInfo | undefined;
  if (name !== null && name !== '') topic = ctx.store.getTopic(name);
  else if (!topicId.equals(ZERO_UUID)) topic = ctx.store.getTopicById(topicId);
  if (!topic) {
    const byId = name === null || name === '';
    return {
      name,
      topicId,
      errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: byId ? 'This server does not host this topic ID.' : 'This server does not host this topic-partition.',
    };
  }
  ctx.store.deleteTopic(topic.name);
  ctx.logger.info({ topic: topic.name }, 'deleted topic');
  return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
}
