import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { BatchConsumerRunner, BatchingProducer, BrokerProbe, ensureTopics, ExactlyOnceProcessor, OutboxRelay } from '@tessera/kafka';
import type { Kafka } from 'kafkajs';
import { KAFKA_BATCH_CONSUMER, type KafkaBatchApplier, type KafkaBatchConsumerOptions } from './kafka-batch-consumer.decorator';
import { KAFKA_CLIENT, KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka-module-options';

/**
 * Wires libs/kafka into Nest's lifecycle: at bootstrap it creates missing topics, connects the producer, starts the outbox relay and one
 * runner per @KafkaBatchConsumer provider; before shutdown it stops them in the safe order (consumers finish and
 * commit their in-flight slice and leave their groups, then the relay, then the producer flushes).
 */
@Injectable()
export class KafkaLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly runners: BatchConsumerRunner[] = [];
  private relay: OutboxRelay | undefined;
  private readonly probe: BrokerProbe;

  constructor(
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly producer: BatchingProducer,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {
    this.probe = new BrokerProbe({ client: { clientId: options.clientId ?? options.service, brokers: options.brokers } });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { service, registry, logger, pool } = this.options;
    if (this.options.ensureTopics?.length) await ensureTopics(this.kafka, this.options.ensureTopics);
    await this.producer.connect();
    if (pool && this.options.relay !== false) {
      this.relay = new OutboxRelay({ pool, publisher: this.producer, registry, service, logger, ...this.options.relayOptions });
      await this.relay.start();
    }
    for (const { instance, metatype } of this.discovery.getProviders()) {
      if (!instance || !metatype) continue;
      const declared = this.reflector.get<KafkaBatchConsumerOptions | undefined>(KAFKA_BATCH_CONSUMER, metatype);
      if (!declared) continue;
      if (!pool) throw new Error(`@KafkaBatchConsumer ${metatype.name} needs KafkaModule's pool option`);
      const applier = instance as KafkaBatchApplier<unknown>;
      const { groupId, topics, groupCommitTransactions, ...perConsumer } = declared;
      const processor = new ExactlyOnceProcessor<unknown>({
        pool,
        groupId,
        service,
        dlqTopic: this.options.dlqTopic,
        decode: applier.decode?.bind(applier),
        apply: applier.apply.bind(applier),
        groupCommitTransactions,
        logger,
      });
      this.runners.push(
        new BatchConsumerRunner({
          kafka: this.kafka,
          groupId,
          topics,
          service,
          registry,
          logger,
          handler: processor.handleBatch,
          ...this.options.consumerDefaults,
          ...perConsumer,
        }),
      );
    }
    await Promise.all(this.runners.map((r) => r.start()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.relay?.stop();
    await this.producer.disconnect();
    await this.probe.close();
  }

  /** For readiness probes: every consumer joined its group and the producer is connected. */
  isReady(): boolean {
    return this.producer.isConnected() && this.runners.every((r) => r.isReady());
  }

  /**
   * For readiness probes: the broker answers a metadata request now (isReady's flags stay set for a while after
   * the broker died). Throws saying why not.
   */
  async checkBroker(): Promise<void> {
    await this.probe.check();
  }
}
