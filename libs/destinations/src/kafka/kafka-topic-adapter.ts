import { createKafkaClient } from '@tessera/kafka';
import { Partitioners, type KafkaConfig, type Message, type Producer } from 'kafkajs';
import type { DeliveryBatch, DestinationAdapter, SendContext, SendResult } from '../destination';
import { DELIVERY_RECORD_CONTENT_TYPE, deliveryRecordOf, encodeDeliveryRecord } from './delivery-record-schema';
import { classifyKafkaError } from './kafka-error-classification';
import { KAFKA_DEFAULTS, type KafkaTopicConfig, type KafkaTopicSecrets } from './kafka-topic-config';

/** kafkajs connection settings from the destination's config and secrets. */
export function kafkaConnection(config: KafkaTopicConfig, secrets: KafkaTopicSecrets): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const tlsFiles = secrets.sslCa || secrets.sslCert;
  const ssl = tlsFiles
    ? { ca: secrets.sslCa ? [secrets.sslCa] : undefined, cert: secrets.sslCert, key: secrets.sslKey }
    : config.ssl
      ? true
      : undefined;
  const sasl = config.saslMechanism
    ? ({
        mechanism: config.saslMechanism,
        username: secrets.saslUsername ?? '',
        password: secrets.saslPassword ?? '',
      } as KafkaConfig['sasl'])
    : undefined;
  return { ssl, sasl };
}

/**
 * Produces each record to the destination's topic, keyed by profile id so one person's records stay in order on one
 * partition. The producer is idempotent (acks=all, one request in flight), so kafkajs's own retries inside one
 * attempt never duplicate; a retried attempt may, so every message carries `tessera-delivery-id` to deduplicate on.
 */
export class KafkaTopicAdapter implements DestinationAdapter {
  readonly kind = 'kafka' as const;
  readonly maxBatchSize: number;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly destinationId: string,
    private readonly config: KafkaTopicConfig,
    private readonly secrets: KafkaTopicSecrets,
  ) {
    this.maxBatchSize = config.batchSize ?? KAFKA_DEFAULTS.batchSize;
    this.timeoutMs = config.timeoutMs ?? KAFKA_DEFAULTS.timeoutMs;
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    if (context.signal.aborted) return { outcome: 'retry', error: 'attempt aborted by the dispatcher' };
    const messages = batch.items.map((item) => this.message(batch, item));
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: 'retry', error: `no acknowledgement within ${this.timeoutMs} ms` }), this.timeoutMs);
      onAbort = () => resolve({ outcome: 'retry', error: 'attempt aborted by the dispatcher' });
      context.signal.addEventListener('abort', onAbort, { once: true });
    });
    const produce = (async (): Promise<SendResult> => {
      try {
        const producer = await this.connected();
        await producer.send({ topic: this.config.topic, acks: -1, timeout: this.timeoutMs, messages });
        return { outcome: 'delivered' };
      } catch (error) {
        await this.dropProducer();
        return classifyKafkaError(error, this.config.topic);
      }
    })();
    try {
      return await Promise.race([produce, stop]);
    } finally {
      clearTimeout(timer);
      if (onAbort) context.signal.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.dropProducer();
  }

  private message(batch: DeliveryBatch, item: DeliveryBatch['items'][number]): Message {
    const avro = this.config.format === 'avro';
    const value = avro
      ? encodeDeliveryRecord(deliveryRecordOf(batch, item))
      : JSON.stringify({ ...item, batchId: batch.batchId, destinationId: batch.destinationId });
    return {
      key: item.profileId,
      value,
      headers: {
        'content-type': avro ? DELIVERY_RECORD_CONTENT_TYPE : 'application/json',
        'tessera-delivery-id': item.deliveryId,
        'tessera-batch-id': batch.batchId,
      },
    };
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const kafka = createKafkaClient({
        clientId: this.config.clientId ?? `tessera-destination-${this.destinationId}`,
        brokers: this.config.brokers,
        ...kafkaConnection(this.config, this.secrets),
        connectionTimeoutMs: 5_000,
        requestTimeoutMs: this.timeoutMs,
        // the dispatcher owns retries and backoff; kafkajs only rides out a leader change inside one attempt
        retry: { initialRetryTime: 200, maxRetryTime: 2_000, retries: 3 },
      });
      // the Java client's murmur2 partitioner, so a key lands where any other Kafka producer would put it
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  /** After a failure the next attempt starts from a fresh connection (new brokers, rotated credentials). */
  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
