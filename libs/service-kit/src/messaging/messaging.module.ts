import { DynamicModule, Module } from '@nestjs/common';
import { KafkaModule } from '@tessera/kafka-nest';
import type { Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '../database/database-module-options';
import { ResolvedServiceKitOptions, SERVICE_KIT_OPTIONS } from '../service-kit-options';
import { KafkaReadinessCheck } from './kafka-readiness.check';

/**
 * Kafka for a catalog service: @tessera/kafka-nest's KafkaModule configured from KAFKA_BROKERS and KAFKA_CLIENT_ID (default: the service name), the service's
 * metrics registry and logger, and its schema-bound pool (exactly-once consumers and the outbox relay), plus
 * the `kafka` readiness check. Needs DatabaseModule. Consumers stop in beforeApplicationShutdown, i.e. after
 * readiness turned 503 and before HTTP drains and the database closes.
 */
@Module({})
export class MessagingModule {
  /** `relay: false` when the service publishes its outbox some other way (connectors: a relay on a worker thread). */
  static forService(messaging: { relay?: boolean } = {}): DynamicModule {
    return {
      module: MessagingModule,
      imports: [
        KafkaModule.forRootAsync({
          inject: [SERVICE_KIT_OPTIONS, SERVICE_PG_POOL],
          useFactory: (options: ResolvedServiceKitOptions, pool: Pool) => {
            if (!options.config) throw new Error('MessagingModule needs the service configuration (KAFKA_BROKERS)');
            const { brokers, clientId, sliceMessages, fetchBytes, lingerMs, sessionTimeoutMs } = options.config.kafka;
            return {
              service: options.name,
              clientId,
              brokers: [...brokers],
              registry: options.registry,
              logger: options.logger,
              pool,
              relay: messaging.relay,
              consumerDefaults: { maxMessagesPerCall: sliceMessages, maxBytesPerPartition: fetchBytes, lingerMs, sessionTimeoutMs },
            };
          },
        }),
      ],
      providers: [KafkaReadinessCheck],
    };
  }
}
