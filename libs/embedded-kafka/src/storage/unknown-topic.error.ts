import { ErrorCode } from '../protocol/error-codes';

/** Thrown when a topic is unknown (Kafka: UNKNOWN_TOPIC_OR_PARTITION). */
export class UnknownTopicError extends Error {
  readonly errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  constructor(readonly topic: string) {
    super(`This server does not host this topic-partition: ${topic}`);
    this.name = 'UnknownTopicError';
  }
}
