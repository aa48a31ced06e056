import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { limitOutboxMemory, OUTBOX_MEMORY_KEY_SQL } from '@tessera/kafka';
import type { Pool } from '@tessera/persistence';
import { SERVICE_KIT_OPTIONS, SERVICE_PG_POOL, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { RelayThread } from './relay-thread';
import { ThreadMetricsBridge } from './thread-metrics-bridge';

/** How often the relay thread's counters reach /metrics. */
const METRICS_INTERVAL_MS = 1_000;

/**
 * The service's outbox relay, on a worker thread (relay-thread.ts) instead of the main thread that reads the
 * sources and commits the checkpoints, so the two use both cores (docs/benchmarks.md, "Connectors: the outbox relay
 * on a worker thread"). MessagingModule runs no relay here (`relay: false`), and the writers keep no outbox memory
 * for one: the thread cannot see it and reads the rows from the table, which is what every relay falls back to.
 */
@Injectable()
export class OutboxRelayThreadService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly thread: RelayThread;

  constructor(
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
  ) {
    const { config, name, logger, registry } = options;
    if (!config) throw new Error('the outbox relay thread needs the service configuration (DATABASE_URL, KAFKA_BROKERS)');
    this.thread = new RelayThread(
      {
        service: name,
        clientId: config.kafka.clientId,
        brokers: [...config.kafka.brokers],
        databaseUrl: config.database.url,
        schema: config.database.schema,
        logLevel: config.logLevel,
        metricsIntervalMs: METRICS_INTERVAL_MS,
      },
      new ThreadMetricsBridge(registry),
      logger,
    );
  }

  /** Before anything writes the outbox (the run worker starts at bootstrap). */
  async onModuleInit(): Promise<void> {
    const { rows } = await this.pool.query<{ key: string }>(`SELECT ${OUTBOX_MEMORY_KEY_SQL} AS key`);
    limitOutboxMemory(rows[0].key, 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.thread.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.thread.stop();
  }
}
