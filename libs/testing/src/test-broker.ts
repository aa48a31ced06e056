import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type BrokerOptions } from '@tessera/embedded-kafka';
import { Kafka, logLevel } from 'kafkajs';

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

/**
 * Starts the embedded Kafka-protocol broker on a free port, with its data in a temp dir. Group timings are
 * shortened for tests: no initial rebalance delay, and sessions down to 1 s so a killed member expires fast.
 */
export async function startTestBroker(opts: TestBrokerOptions = {}): Promise<TestBroker> {
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

/** Creates topics (waiting for their leaders), one partition each unless told otherwise. */
export async function createTestTopics(brokers: string[], topics: (string | TestTopic)[]): Promise<void> {
  const admin = new Kafka({ clientId: 'test-admin', brokers, logLevel: logLevel.WARN }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => (typeof t === 'string' ? { topic: t, numPartitions: 1 } : { topic: t.topic, numPartitions: t.numPartitions ?? 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}
