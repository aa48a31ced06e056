import { ErrorCode } from '../protocol/error-codes';

/** Thrown by LogStore.createTopic when the name is taken (Kafka: TOPIC_ALREADY_EXISTS). */
export class TopicExistsError extends Error {
  readonly errorCode = ErrorCode.TOPIC_ALREADY_EXISTS;
  constructor(readonly topic: string) {
    super(`Topic '${topic}' already exists.`);
    this.name = 'TopicExistsError';
  }
}
