import { ErrorCode } from '../protocol/error-codes';

/** Thrown by LogStore.createTopic when the name is taken (Kafka: TOPIC_ALREADY_EXISTS). */
export class TopicExistsError extends Error {
  readonly errorCode = ErrorCode.TOPIC_ALREADY_EXISTS;
  constructor(readonly topic: string) {
    super(`Topic '${topic}' already exists.`);
    this.name = 'TopicExistsError';
  }
}

/** Thrown when a topic is unknown (Kafka: UNKNOWN_TOPIC_OR_PARTITION). */
export class UnknownTopicError extends Error {
  readonly errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  constructor(readonly topic: string) {
    super(`This server does not host this topic-partition: ${topic}`);
    this.name = 'UnknownTopicError';
  }
}

/** Thrown for names Kafka refuses (Kafka: INVALID_TOPIC_EXCEPTION) and bad partition counts or configs. */
export class InvalidTopicError extends Error {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message);
    this.name = 'InvalidTopicError';
  }
}
