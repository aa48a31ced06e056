/**
 * One stage of the transport-floor bench: consumes IN_TOPIC and, per event, emits its key and value bytes
 * unchanged to OUT_TOPIC, exactly once. Nothing else: no decoding, no domain state (with ITEM_LOG, one narrow row
 * per event, see item-log.ts). It is wired as a catalog service is (service-kit + kafka-nest KafkaLifecycle), with
 * the same defaults: the shared Kafka-table migrations in its own schema through createServiceDataSource (pool of
 * 10, statement timeout 30 s), a BatchingProducer, an OutboxRelay and a BatchConsumerRunner with their default
 * options, an ExactlyOnceProcessor with prepared statements and sequence dedupe, a pino logger and a metrics
 * registry with the default metrics. GET /readyz answers 200 once the consumer joined its group.
 *
 * Env: SERVICE (name, schema and consumer group), DATABASE_URL, KAFKA_BROKERS, PORT, IN_TOPIC, OUT_TOPIC,
 * ITEM_LOG (source-items | profile-items, optional), LOG_LEVEL (default warn).
 */
import { BatchConsumerRunner, BatchingProducer, createKafkaClient, ExactlyOnceProcessor, OutboxRelay } from '@tessera/kafka';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { createServiceDataSource, dataSourcePool } from '@tessera/persistence';
import { KafkaExactlyOnceTables1732230000000, KafkaOutboxPacking1732600000000, KafkaOutboxPublishOrder1732700000300, KafkaOutboxSequence1732700000000 } from '@tessera/service-kit';
import { createServer } from 'node:http';
import { ITEM_LOGS, type ItemLogKind } from './item-log';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`stage needs ${name}`);
  return value;
}

async function main(): Promise<void> {
  const service = requireEnv('SERVICE');
  const outTopic = requireEnv('OUT_TOPIC');
  const itemLog = process.env.ITEM_LOG ? ITEM_LOGS[process.env.ITEM_LOG as ItemLogKind] : undefined;
  const logger = createLogger({ service, level: process.env.LOG_LEVEL ?? 'warn' });
  const registry = createMetricsRegistry(service);
  const dataSource = await createServiceDataSource({
    url: requireEnv('DATABASE_URL'),
    schema: service.replace(/-/g, '_'),
    // The Kafka tables exactly as every service's migrations create them, in the same order.
    migrations: [KafkaExactlyOnceTables1732230000000, KafkaOutboxPacking1732600000000, KafkaOutboxSequence1732700000000, KafkaOutboxPublishOrder1732700000300],
    applicationName: `tessera:${service}`,
    logger,
  });
  const pool = dataSourcePool(dataSource);
  if (itemLog) await pool.query(itemLog.ddl);

  const kafka = createKafkaClient({ clientId: service, brokers: requireEnv('KAFKA_BROKERS').split(','), logger });
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
  const runner = new BatchConsumerRunner({ kafka, groupId: service, topics: [requireEnv('IN_TOPIC')], service, registry, logger, handler: processor.handleBatch });
  await runner.start();

  const http = createServer((_req, res) => {
    res.statusCode = runner.isReady() && producer.isConnected() ? 200 : 503;
    res.end();
  }).listen(Number(requireEnv('PORT')), '127.0.0.1');
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
