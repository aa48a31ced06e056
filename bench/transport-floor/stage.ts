/**
 * One stage of the transport-floor bench: consumes IN_TOPIC and, per event, emits its key and value bytes
 * unchanged to OUT_TOPIC, exactly once. Nothing else: no decoding, no domain state (with ITEM_LOG, one narrow row
 * per event, see item-log.ts). It builds the libs/kafka pieces kafka-nest's KafkaLifecycle builds for a service (without Nest), from
 * the configuration of the service it stands in for (STANDS_FOR, loaded from the same environment variables, so
 * pool size, statement timeout, slice size and fetch size are that service's): the shared Kafka-table migrations in
 * its own schema (DATABASE_SCHEMA) through createServiceDataSource, a BatchingProducer and an OutboxRelay with their
 * default options, a BatchConsumerRunner with the service's consumer defaults, an ExactlyOnceProcessor with
 * prepared statements and sequence dedupe, a pino logger and a metrics registry with the default metrics.
 * GET /readyz answers 200 once the consumer joined its group; GET /metrics as a service's.
 *
 * Env: SERVICE (metric prefix and consumer group), STANDS_FOR, IN_TOPIC, OUT_TOPIC, ITEM_LOG (source-items |
 * profile-items, optional), and the services' own: NODE_ENV, PORT, DATABASE_URL, DATABASE_SCHEMA, KAFKA_BROKERS,
 * KAFKA_CLIENT_ID, LOG_LEVEL...
 */
import { loadServiceConfig, type ServiceName } from '@tessera/config';
import { installKafkajsFastPathsUnlessDisabled } from '@tessera/kafka/fast-paths';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { createServiceDataSource, dataSourcePool } from '@tessera/persistence';
import { createServer } from 'node:http';
import type { ItemLogKind } from './item-log';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`stage needs ${name}`);
  return value;
}

async function main(): Promise<void> {
  // As runService does at a service's start-up: before anything loads kafkajs, which captures some swapped modules.
  // item-log.ts loads @tessera/kafka, and with it kafkajs: it too is loaded only afterwards.
  const fastPaths = installKafkajsFastPathsUnlessDisabled(process.env);
  if (fastPaths === 'partial') throw new Error('kafkajs was loaded before the stage installed its fast paths');
  const { ITEM_LOGS } = await import('./item-log');
  const { BatchConsumerRunner, BatchingProducer, createKafkaClient, ExactlyOnceProcessor, OutboxRelay } = await import('@tessera/kafka');
  const { KafkaRuntimeTables1732230000000 } = await import('@tessera/service-kit');
  const service = requireEnv('SERVICE');
  const outTopic = requireEnv('OUT_TOPIC');
  const config = loadServiceConfig(requireEnv('STANDS_FOR') as ServiceName);
  const itemLog = process.env.ITEM_LOG ? ITEM_LOGS[process.env.ITEM_LOG as ItemLogKind] : undefined;
  const logger = createLogger({ service, level: config.logLevel });
  const registry = createMetricsRegistry(service);
  const { url, schema, poolSize, statementTimeoutMs } = config.database;
  const dataSource = await createServiceDataSource({
    url,
    schema,
    poolSize,
    statementTimeoutMs,
    // The Kafka tables exactly as every service's migrations create them, in the same order.
    migrations: [KafkaRuntimeTables1732230000000],
    applicationName: `tessera:${service}`,
    logger,
  });
  const pool = dataSourcePool(dataSource);
  if (itemLog) await pool.query(itemLog.ddl);

  const kafka = createKafkaClient({ clientId: config.kafka.clientId, brokers: [...config.kafka.brokers], logger });
  const producer = new BatchingProducer({ kafka, registry, service, logger });
  await producer.connect();
  const relay = new OutboxRelay({ pool, publisher: producer, registry, service, logger });
  await relay.start();
  const processor = new ExactlyOnceProcessor({
    pool,
    groupId: service,
    service,
    logger,
    apply: async (ctx) => {
      const messages = ctx.records.map((r) => r.message);
      if (itemLog) await itemLog.append(ctx.tx, messages);
      for (const m of messages) ctx.emit(outTopic, { key: m.key, value: m.value });
    },
  });
  const runner = new BatchConsumerRunner({
    kafka,
    groupId: service,
    topics: [requireEnv('IN_TOPIC')],
    service,
    registry,
    logger,
    handler: processor.handleBatch,
    maxMessagesPerCall: config.kafka.sliceMessages,
    maxBytesPerPartition: config.kafka.fetchBytes,
  });
  await runner.start();

  const http = createServer((req, res) => {
    if (req.url === '/metrics') {
      void registry.metrics().then((text) => res.end(text));
      return;
    }
    res.statusCode = runner.isReady() && producer.isConnected() ? 200 : 503;
    res.end();
  }).listen(config.port, '127.0.0.1');
  // As KafkaLifecycle stops a service: consumers first (finish and commit the slice in flight), then the relay,
  // then the producer flushes.
  process.once('SIGTERM', () => {
    void (async () => {
      http.close();
      await runner.stop();
      await relay.stop();
      await producer.disconnect();
      await dataSource.destroy();
      process.exit(0);
    })();
  });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
