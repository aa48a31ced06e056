export { createKafkaClient, type KafkaClientOptions } from './kafka-client.factory';
export { pinoLogCreator } from './pino-log-creator';
export { BatchingProducer, type BatchingProducerOptions } from './batching-producer';
export { BatchConsumerRunner, type BatchConsumerRunnerOptions } from './batch-consumer-runner';
export { BrokerProbe, type BrokerProbeOptions } from './broker-probe';
export {
  emptyOutcome,
  toInboundMessage,
  type BatchHandler,
  type BatchOutcome,
  type ConsumedBatch,
  type InboundMessage,
} from './consumed-batch';
export { ExactlyOnceProcessor, type ExactlyOnceProcessorOptions } from './exactly-once-processor';
export { BatchApplyContext, type ApplyContext, type DecodedRecord } from './apply-context';
export { OutboxRelay, type OutboxRelayOptions, type OutboxPublisher } from './outbox-relay';
export { writeOutbox, OUTBOX_NOTIFY_CHANNEL, type OutboxEntry, type OutgoingMessage } from './outbox-writer';
export { consumerLane, lockWriterLane, type OutboxLane } from './outbox-lane';
export { InboxDedupe } from './inbox-dedupe';
export { SequenceDedupe } from './sequence-dedupe';
export { parseOutboxSequence, formatOutboxSequence, type OutboxSequence } from './outbox-sequence';
export { OffsetFence, lockFences, advanceFences } from './offset-fence';
export { kafkaRuntimeDdl, dropKafkaRuntimeDdl, KafkaTables } from './kafka-tables.ddl';
export { contractDlqEncoder, rawDlqRecord, toRejectionRecord, readDlqHeaders, type DlqEncoder, type Rejection } from './dlq-envelope';
export {
  ok,
  dlq,
  drop,
  fromStep,
  DlqReasonCode,
  type StepResult,
  type StepOk,
  type StepDlq,
  type StepDrop,
  type DlqReason,
  type DlqReasonCodeValue,
  type RejectedItemInfo,
} from './step-result';
export { MessageHeaders, headerToString } from './message-headers';
export { KafkaConsumerMetrics, KafkaProducerMetrics, OutboxRelayMetrics } from './metrics';
export { inTransaction, withConnection, type SqlConnection, type SqlExecutor, type SqlPool } from './sql-client';
export { isTransientError } from './transient-error';
export { ensureTopics, type ProvisionedTopics, type TopicProvisioningOptions, type TopicRequirement } from './topic-provisioning';
export { readOutboxMessages } from './outbox-rows';
export type { PackedMessage } from './outbox-batch-codec';
