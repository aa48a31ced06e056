import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ForwardingOutboxMemory, OUTBOX_MEMORY_KEY_SQL, useOutboxMemory } from '@tessera/kafka';
import type { Pool } from '@tessera/persistence';
import { SERVICE_KIT_OPTIONS, SERVICE_PG_POOL, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { RelayThread } from './relay-thread';
import { ThreadMetricsBridge } from './thread-metrics-bridge';

/** How often the relay thread's counters reach /metrics. */
const METRICS_INTERVAL_MS = 1_000;

/**
 * The service's outbox relay, on a worker thread (relay-thread.ts) instead of the main thread that reads the
 * sources and commits the checkpoints, so the two use both cores (docs/benchmarks.md, "Connectors: the outbox relay
 * on a worker thread"). MessagingModule runs no relay here (`relay: false`). The writers' outbox memory forwards
 * each packed row to the thread as it is inserted, so the relay there publishes it without reading it back.
 */
@Injectable()
export class OutboxRelayThreadService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private relayThread: RelayThread | undefined;

  constructor(
    @Inject(SERVICE_KIT_OPTIONS) private readonly options: ResolvedServiceKitOptions,
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
  ) {
    if (!options.config) throw new Error('the outbox relay thread needs the service configuration (DATABASE_URL, KAFKA_BROKERS)');
  }

  get thread(): RelayThread {
    if (!this.relayThread) throw new Error('the outbox relay thread is created at module init');
    return this.relayThread;
  }

  /** Before anything writes the outbox (the run worker starts at bootstrap). */
  async onModuleInit(): Promise<void> {
    const { config, name, logger, registry } = this.options;
    const { rows } = await this.pool.query<{ key: string }>(`SELECT ${OUTBOX_MEMORY_KEY_SQL} AS key`);
    const memoryKey = rows[0].key;
    const thread = new RelayThread(
      {
        service: name,
        clientId: config!.kafka.clientId,
        brokers: [...config!.kafka.brokers],
        databaseUrl: config!.database.url,
        schema: config!.database.schema,
        logLevel: config!.logLevel,
        memoryKey,
        metricsIntervalMs: METRICS_INTERVAL_MS,
      },
      new ThreadMetricsBridge(registry),
      logger,
    );
    this.relayThread = thread;
    useOutboxMemory(memoryKey, new ForwardingOutboxMemory((id, packed) => thread.forward(id, packed)));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.thread.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relayThread?.stop();
  }
}
