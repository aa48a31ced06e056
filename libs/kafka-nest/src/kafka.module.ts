import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OptionalFactoryDependency } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BatchingProducer, createKafkaClient } from '@tessera/kafka';
import type { Kafka } from 'kafkajs';
import { KafkaLifecycle } from './kafka-lifecycle.service';
import { KAFKA_CLIENT, KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka-module-options';

export interface KafkaModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory: (...args: never[]) => KafkaModuleOptions | Promise<KafkaModuleOptions>;
}

/**
 * The one Kafka adapter every service imports: provides the kafkajs client (KAFKA_CLIENT), the BatchingProducer,
 * and KafkaLifecycle, which starts the outbox relay and every @KafkaBatchConsumer provider.
 */
@Module({})
export class KafkaModule {
  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: KAFKA_CLIENT,
          inject: [KAFKA_MODULE_OPTIONS],
          useFactory: (o: KafkaModuleOptions): Kafka =>
            createKafkaClient({ clientId: o.clientId ?? o.service, brokers: o.brokers, logger: o.logger }),
        },
        {
          provide: BatchingProducer,
          inject: [KAFKA_MODULE_OPTIONS, KAFKA_CLIENT],
          useFactory: (o: KafkaModuleOptions, kafka: Kafka) =>
            new BatchingProducer({ kafka, registry: o.registry, service: o.service, logger: o.logger, ...o.producerOptions }),
        },
        KafkaLifecycle,
      ],
      exports: [KAFKA_CLIENT, BatchingProducer, KafkaLifecycle],
    };
  }

  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return KafkaModule.forRootAsync({ useFactory: () => options });
  }
}
