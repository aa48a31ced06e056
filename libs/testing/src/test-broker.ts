import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type BrokerOptions } from '@tessera/embedded-kafka';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { startApacheKafka } from './apache-kafka/apache-kafka-cluster';

export interface TestBroker {
  /** `host:port` list for kafkajs (and KAFKA_BROKERS). */
  readonly brokers: string[];
  /** Directory holding the broker's log segments and metadata; removed by stop(). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

export interface TestBrokerOptions extends Partial<Omit<BrokerOptions, 'port'>> {
  /** Reuse a directory (e.g. to test a restart); by default a fresh temp dir that stop() deletes. */
  dataDir?: string;
}

export interface TestTopic {
  topic: string;
  numPartitions?: number;
}

/** Which broker the suites run on: `TESSERA_TEST_KAFKA=embedded` (the default) or `apache` (Apache Kafka itself). */
export function testKafkaKind(): 'embedded' | 'apache' {
  const kind = process.env.TESSERA_TEST_KAFKA ?? 'embedded';
  if (kind !== 'embedded' && kind !== 'apache')
    throw new Error(`TESSERA_TEST_KAFKA must be embedded or apache, not ${JSON.stringify(kind)}`);
  return kind;
}

/**
 * Starts a broker on a free port, with its data in a temp dir: the embedded Kafka-protocol broker, or Apache Kafka
 * when TESSERA_TEST_KAFKA=apache. Group timings are shortened for tests: no initial rebalance delay, and sessions
 * down to 1 s so a killed member expires fast.
 */
export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
  if (testKafkaKind() === 'apache') return startApacheTestBroker(opts);
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-kafka-'));
  const broker = await startBroker({
    groupInitialRebalanceDelayMs: 0,
    groupMinSessionTimeoutMs: 1_000,
    ...opts,
    port: 0,
    dataDir,
  });
  let stopped = false;
  return {
    brokers: [`${broker.host}:${broker.port}`],
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.stop();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A producer of test input: idempotent, because a plain kafkajs producer retries a whole request when one of its
 * partitions fails (Apache Kafka answers NOT_LEADER_OR_FOLLOWER for a while after a topic is created) and so writes
 * the partitions that had succeeded twice: 4,436 messages in the topic for 4,000 sent, measured.
 */
export function createTestProducer(brokers: string[], clientId: string): Producer {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** Creates topics (waiting for their leaders), one partition each unless told otherwise. */
export async function createTestTopics(brokers: string[], topics: (string | TestTopic)[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-admin', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) =>
        typeof t === 'string' ? { topic: t, numPartitions: 1 } : { topic: t.topic, numPartitions: t.numPartitions ?? 1 },
      ),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The same broker options on Apache Kafka: each embedded setting with a server.properties twin maps to it. `fsync`
 * has none on purpose: Apache Kafka leaves flushing to the OS and relies on replication.
 */
async function startApacheTestBroker(opts: TestBrokerOptions): Promise<TestBroker> {
  const twins: Record<string, string | number | boolean | undefined> = {
    'auto.create.topics.enable': opts.autoCreateTopics ?? true,
    'num.partitions': opts.defaultPartitions,
    'socket.request.max.bytes': opts.maxRequestBytes,
    'log.retention.ms': opts.retentionMs,
    'log.retention.bytes': opts.retentionBytes,
    'log.segment.bytes': opts.segmentBytes,
    'log.roll.ms': opts.segmentMs,
    'message.max.bytes': opts.messageMaxBytes,
    'log.retention.check.interval.ms': opts.retentionCheckIntervalMs,
    'group.initial.rebalance.delay.ms': opts.groupInitialRebalanceDelayMs ?? 0,
    'group.min.session.timeout.ms': opts.groupMinSessionTimeoutMs ?? 1_000,
    'group.max.session.timeout.ms': opts.groupMaxSessionTimeoutMs,
  };
  const settings = Object.fromEntries(Object.entries(twins).filter((e): e is [string, string | number | boolean] => e[1] !== undefined));
  const cluster = await startApacheKafka({ dataDir: opts.dataDir, settings });
  return { brokers: cluster.brokers, dataDir: cluster.dataDir, stop: () => cluster.stop() };
}
