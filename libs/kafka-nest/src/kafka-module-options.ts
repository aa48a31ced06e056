import type { BatchConsumerRunnerOptions, BatchingProducerOptions, OutboxRelayOptions, TopicRequirement } from '@tessera/kafka';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface KafkaModuleOptions {
  /** Service name: the `tessera_<service>_` metric prefix, and the kafkajs clientId unless `clientId` is set. */
  service: string;
  /** kafkajs clientId (KAFKA_CLIENT_ID), which brokers show in logs, quotas and group descriptions; default `service`. */
  clientId?: string;
  brokers: string[];
  registry: Registry;
  logger?: Logger;
  /** Pool bound to the service schema. Needed by exactly-once consumers and by the outbox relay. */
  pool?: Pool;
  /** Run an outbox relay (default: true when a pool is given). */
  relay?: boolean;
  relayOptions?: Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs'>;
  producerOptions?: Pick<BatchingProducerOptions, 'lingerMs' | 'maxBatchBytes' | 'maxBatchMessages' | 'maxBufferedBytes'>;
  /** Defaults for every consumer declared with @KafkaBatchConsumer. */
  consumerDefaults?: Pick<
    BatchConsumerRunnerOptions,
    | 'fromBeginning'
    | 'maxMessagesPerCall'
    | 'maxBytesPerPartition'
    | 'lingerMs'
    | 'partitionsConsumedConcurrently'
    | 'sessionTimeoutMs'
    | 'rebalanceTimeoutMs'
    | 'heartbeatIntervalMs'
  >;
  /** Topics to create at bootstrap when missing (e.g. TOPIC_SPECS from @tessera/contracts). */
  ensureTopics?: readonly TopicRequirement[];
  /** DLQ topic for every consumer (default cdp.events.rejected). */
  dlqTopic?: string;
}

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');
/** Injection token of the kafkajs client. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
