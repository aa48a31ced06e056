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
