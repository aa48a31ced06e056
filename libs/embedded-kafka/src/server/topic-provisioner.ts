import type { Logger } from 'pino';
import { ErrorCode } from '../protocol';
import { InvalidTopicError, TopicExistsError, type LogStore, type TopicInfo } from '../storage';

export type EnsureTopicResult = { topic: TopicInfo; created: boolean } | { errorCode: number; errorMessage: string };

/** Topic lookup with Kafka's auto.create.topics.enable behaviour, shared by Metadata and Produce. */
export class TopicProvisioner {
  constructor(
    private readonly store: LogStore,
    private readonly autoCreate: boolean,
    private readonly defaultPartitions: number,
    private readonly logger: Logger,
  ) {}

  /** The topic, auto-created when allowed by the broker and the request; else UNKNOWN_TOPIC_OR_PARTITION. */
  ensure(name: string, allowAutoCreate: boolean): EnsureTopicResult {
    const existing = this.store.getTopic(name);
    if (existing) return { topic: existing, created: false };
    if (!this.autoCreate || !allowAutoCreate) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Unknown topic ${name}` };
    }
    try {
      const topic = this.store.createTopic(name, this.defaultPartitions);
      this.logger.info({ topic: name, partitions: this.defaultPartitions }, 'auto-created topic');
      return { topic, created: true };
    } catch (error) {
      if (error instanceof TopicExistsError) return { topic: this.store.getTopic(name) as TopicInfo, created: false };
      if (error instanceof InvalidTopicError) return { errorCode: error.errorCode, errorMessage: error.message };
      throw error;
    }
  }
}
