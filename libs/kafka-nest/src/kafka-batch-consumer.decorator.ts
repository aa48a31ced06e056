import { SetMetadata } from '@nestjs/common';
import type { ApplyContext, BatchConsumerRunnerOptions, ExactlyOnceProcessorOptions, InboundMessage, StepResult } from '@tessera/kafka';

export const KAFKA_BATCH_CONSUMER = Symbol('KAFKA_BATCH_CONSUMER');

export interface KafkaBatchConsumerOptions
  extends
    Partial<Pick<BatchConsumerRunnerOptions, 'fromBeginning' | 'maxMessagesPerCall' | 'partitionsConsumedConcurrently'>>,
    Pick<ExactlyOnceProcessorOptions<unknown>, 'groupCommitTransactions'> {
  groupId: string;
  topics: string[];
}

/**
 * What a class decorated with @KafkaBatchConsumer implements. Its batches run through the ExactlyOnceProcessor:
 * `apply` gets the decoded records and the batch transaction; offsets, duplicate checks and outbox are handled around it.
 */
export interface KafkaBatchApplier<T = InboundMessage> {
  decode?(message: InboundMessage): StepResult<T> | Promise<StepResult<T>>;
  apply(ctx: ApplyContext<T>): Promise<void>;
}

/** Marks a provider as an exactly-once batch consumer of `topics` in consumer group `groupId`. */
export const KafkaBatchConsumer = (options: KafkaBatchConsumerOptions): ClassDecorator => SetMetadata(KAFKA_BATCH_CONSUMER, options);
