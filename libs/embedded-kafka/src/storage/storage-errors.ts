/** Thrown by LogStore.createTopic when the name is taken (Kafka: TOPIC_ALREADY_EXISTS). */
export class TopicExistsError extends Error {
  readonly errorCode = 36;
  constructor(readonly topic: string) {
    super(`Topic '${topic}' already exists.`);
    this.name = 'TopicExistsError';
  }
}

/** Thrown when a topic is unknown (Kafka: UNKNOWN_TOPIC_OR_PARTITION). */
export class UnknownTopicError extends Error {
  readonly errorCode = 3;
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
