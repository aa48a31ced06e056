import { BatchingProducer, createKafkaClient, OutboxRelay, outboxMemory } from '@tessera/kafka';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { createServicePool } from '@tessera/persistence';
import { parentPort, workerData } from 'node:worker_threads';
import type { RelayThreadCommand, RelayThreadData, RelayThreadReport } from './relay-thread-data';

const RELAY_ROUND_MESSAGES = 5_000;

/**
 * The connectors service's outbox relay, on a thread of its own (relay-thread.ts starts it): libs/kafka's
 * OutboxRelay with its own pool, Kafka client and producer, so claiming, encoding and producing the records run on
 * the second core while the main thread reads and commits the next checkpoints. It is the same relay as every
 * service's (one per schema at a time, rows published in id order, deleted in the round's transaction); its outbox
 * memory holds the packed rows the main thread forwards as it inserts them, and a row it lacks is read back from
 * the table.
 */
export async function runRelayThread(): Promise<void> {
  const data = workerData as RelayThreadData;
  const port = parentPort!;
  const report = (message: RelayThreadReport) => port.postMessage(message);
  const logger = createLogger({ service: data.service, level: data.logLevel, base: { thread: 'outbox-relay' } });
  const registry = createMetricsRegistry(data.service, { defaultMetrics: false });
  const pool = createServicePool({
    url: data.databaseUrl,
    schema: data.schema,
    poolSize: 3,
    onError: (err) => logger.warn({ err }, 'relay thread: idle Postgres client failed'),
  });
  const kafka = createKafkaClient({ clientId: data.clientId, brokers: data.brokers, logger });
  // The records' sourceId:recordId keys are long enough for kafkajs's Long-based murmur2 to cost 3-5 µs each.
  const producer = new BatchingProducer({ kafka, registry, service: data.service, logger });
  // A round per 5,000 records (a checkpoint's worth) rather than the default 1,000: each round's claim, acked send,
  // delete and commit are waited for one after the other, and at 1,000 the rounds could not keep up with the
  // checkpoints once the outbox rows were deflated (docs/benchmarks.md, "Connectors: packed outbox rows deflated").
  const relay = new OutboxRelay({ pool, publisher: producer, batchSize: RELAY_ROUND_MESSAGES, registry, service: data.service, logger });
  const sendMetrics = async () => report({ kind: 'metrics', metrics: await registry.getMetricsAsJSON() });
  const metricsTimer = setInterval(() => void sendMetrics(), data.metricsIntervalMs);
  const memory = outboxMemory(data.memoryKey);
  port.on('message', (command: RelayThreadCommand) => {
    if (command.kind === 'row') {
      const { id, packed } = command;
      memory.remember(id, Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength), packed.byteLength);
      return;
    }
    void (async () => {
      clearInterval(metricsTimer);
      await relay.stop();
      await producer.disconnect();
      await pool.end();
      await sendMetrics();
      report({ kind: 'stopped' });
      port.close();
    })().catch((err) => {
      logger.error({ err }, 'relay thread: stop failed');
      process.exit(1);
    });
  });
  await producer.connect();
  await relay.start();
  report({ kind: 'started' });
}
