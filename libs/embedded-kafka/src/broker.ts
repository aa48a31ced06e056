import type { Server as HttpServer } from 'node:http';
import pino, { type Logger } from 'pino';
import { GroupCoordinator, GroupDescriber, GroupOffsetManager } from './group';
import { BrokerMetrics, serveMetrics } from './metrics';
import { FetchWaiters, KafkaServer, loadOrCreateClusterId, TopicProvisioner, type BrokerContext } from './server';
import { LogStore, type FsyncPolicy } from './storage';

export interface BrokerOptions {
  /** TCP port for Kafka clients; 0 picks a free one (default 9092). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Where topics, logs and committed offsets live. Required. */
  dataDir: string;
  /** Host clients are told to connect to (default: host, or 127.0.0.1 when bound to 0.0.0.0). */
  advertisedHost?: string;
  /** node.id / broker.id (default 1). */
  brokerId?: number;
  /** auto.create.topics.enable (default true). */
  autoCreateTopics?: boolean;
  /** num.partitions for auto-created topics and CreateTopics with -1 (default 1). */
  defaultPartitions?: number;
  /** socket.request.max.bytes: larger frames close the connection (default 104857600, Kafka's). */
  maxRequestBytes?: number;
  /** Serve Prometheus /metrics on this port (0 = any free port); off when undefined. */
  metricsPort?: number;
  /** When appends are fsynced (default 'acks-all': per batch for acks=-1). */
  fsync?: FsyncPolicy;
  /** log.retention.ms (default 7 days; -1 forever). */
  retentionMs?: number;
  /** log.retention.bytes per partition (default -1, unlimited). */
  retentionBytes?: number;
  /** log.segment.bytes (default 268435456). */
  segmentBytes?: number;
  /** log.roll.ms: roll the active segment when it is older than this (default 7 days). */
  segmentMs?: number;
  /** message.max.bytes: largest record batch accepted (default 1048588, Kafka's). */
  messageMaxBytes?: number;
  /** log.retention.check.interval.ms (default 300000, Kafka's). */
  retentionCheckIntervalMs?: number;
  /** group.initial.rebalance.delay.ms (default 3000, Kafka's; tests pass a few ms). */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms (default 6000, Kafka's; tests may lower it to expire members quickly). */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms (default 1800000). */
  groupMaxSessionTimeoutMs?: number;
  logger?: Logger;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** "host:port", ready for a client's brokers list. */
  bootstrap: string;
  metricsPort?: number;
  clusterId: string;
  stop(): Promise<void>;
}

export const KAFKA_DEFAULT_MAX_REQUEST_BYTES = 104_857_600;

/** Starts a durable single-node broker speaking the Kafka protocol. Resolves once it accepts connections. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  if (!options.dataDir) throw new Error('startBroker: dataDir is required');
  const logger = options.logger ?? pino({ name: 'embedded-kafka', level: process.env.TESSERA_BROKER_LOG_LEVEL ?? 'warn' });
  const host = options.host ?? '127.0.0.1';
  const brokerId = options.brokerId ?? 1;
  const store = await LogStore.open({
    dataDir: options.dataDir,
    logger,
    defaults: definedOnly({
      fsync: options.fsync,
      retentionMs: options.retentionMs,
      retentionBytes: options.retentionBytes,
      segmentBytes: options.segmentBytes,
      segmentMs: options.segmentMs,
      maxMessageBytes: options.messageMaxBytes,
    }),
  });
  try {
    const config = {
      brokerId,
      clusterId: loadOrCreateClusterId(options.dataDir, brokerId),
      advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
      advertisedPort: 0,
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
      maxRequestBytes: options.maxRequestBytes ?? KAFKA_DEFAULT_MAX_REQUEST_BYTES,
      groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 3000,
      groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
      groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
      dataDir: options.dataDir,
    };
    const coordinator = new GroupCoordinator({
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      onTimerError: (error) => logger.error({ err: error }, 'group coordinator timer failed'),
    });
    const partitionExists = (topic: string, partition: number) => store.partition(topic, partition) !== undefined;
    const metrics = new BrokerMetrics(store);
    const ctx: BrokerContext = {
      config,
      store,
      coordinator,
      groupOffsets: new GroupOffsetManager(coordinator, store.offsets, partitionExists),
      groupDescriber: new GroupDescriber(coordinator, store.offsets),
      fetchWaiters: new FetchWaiters(store),
      topics: new TopicProvisioner(store, config.autoCreateTopics, config.defaultPartitions, logger),
      metrics,
      logger,
    };
    const server = new KafkaServer(ctx);
    const port = await server.listen(options.port ?? 9092, host);
    config.advertisedPort = port;
    let metricsServer: HttpServer | undefined;
    if (options.metricsPort !== undefined) metricsServer = await serveMetrics(metrics, options.metricsPort, host);
    const metricsPort = metricsServer ? (metricsServer.address() as { port: number }).port : undefined;
    const retentionTimer = setInterval(() => runRetention(store, logger), options.retentionCheckIntervalMs ?? 300_000);
    retentionTimer.unref();
    logger.info({ host, port, dataDir: options.dataDir, clusterId: config.clusterId, metricsPort }, 'embedded kafka broker started');

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        clearInterval(retentionTimer);
        ctx.fetchWaiters.close();
        coordinator.shutdown();
        await server.close();
        if (metricsServer) await new Promise<void>((resolve) => (metricsServer as HttpServer).close(() => resolve()));
        await store.close();
        logger.info({ port }, 'embedded kafka broker stopped');
      })());
    return {
      host: config.advertisedHost,
      port,
      bootstrap: `${config.advertisedHost}:${port}`,
      metricsPort,
      clusterId: config.clusterId,
      stop,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function runRetention(store: LogStore, logger: Logger): void {
  try {
    const removed = store.enforceRetention();
    if (removed > 0) logger.info({ removedSegments: removed }, 'retention deleted old segments');
  } catch (error) {
    logger.error({ err: error }, 'retention check failed');
  }
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
