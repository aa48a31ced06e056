import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { loadServiceConfig } from '@tessera/config';
import { KafkaModule } from '@tessera/kafka-nest';
import { createLogger } from '@tessera/observability';
import type { Pool } from '@tessera/persistence';
import { bootstrapService, DatabaseModule, SERVICE_KIT_OPTIONS, SERVICE_PG_POOL, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { PROFILE_MERGER_MIGRATIONS } from '../database/migrations';
import { MergingModule } from '../merging/merging.module';

/**
 * The merger's consuming half in a child process, for the kill -9 test: the same modules as AppModule, but
 * with short Kafka session timeouts so a killed member leaves the group in seconds rather than 30 s.
 */
@Module({
  imports: [
    DatabaseModule.forService({ migrations: PROFILE_MERGER_MIGRATIONS }),
    KafkaModule.forRootAsync({
      inject: [SERVICE_KIT_OPTIONS, SERVICE_PG_POOL],
      useFactory: (options: ResolvedServiceKitOptions, pool: Pool) => ({
        service: options.name,
        brokers: [...(options.config?.kafka.brokers ?? [])],
        registry: options.registry,
        logger: options.logger,
        pool,
        consumerDefaults: { sessionTimeoutMs: 3_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 5_000, maxMessagesPerCall: 200 },
      }),
    }),
    MergingModule,
  ],
})
class CrashMergerModule {}

const env = process.env;
const config = loadServiceConfig('profile-merger', undefined, {
  NODE_ENV: 'test',
  DATABASE_URL: env.DATABASE_URL ?? '',
  DATABASE_SCHEMA: env.DATABASE_SCHEMA ?? '',
  KAFKA_BROKERS: env.KAFKA_BROKERS ?? '',
  TESSERA_ADMIN_TOKEN: 'crash-test-token',
  LOG_LEVEL: 'error',
});
void bootstrapService(CrashMergerModule, {
  name: 'profile-merger',
  config,
  port: 0,
  host: '127.0.0.1',
  logger: createLogger({ service: 'profile-merger', level: config.logLevel }),
  handleSignals: true,
}).then(() => console.log('ready'));
