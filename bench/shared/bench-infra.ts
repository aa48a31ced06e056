import { freePort, startApacheKafka, type ApacheKafkaCluster } from '@tessera/testing';
import { Kafka, logLevel } from 'kafkajs';
import { join, resolve } from 'node:path';
import { BenchProcess } from './bench-process';
import { cpuSecondsOf } from './proc-stat';

/** Which broker a benchmark runs on: the durable embedded broker, or Apache Kafka itself (libs/testing's launcher). */
export type BenchKafkaKind = 'embedded' | 'apache';

export function parseKafkaKind(value: string | undefined): BenchKafkaKind {
  if (value === undefined || value === 'embedded' || value === 'apache') return value ?? 'embedded';
  throw new Error(`--kafka must be embedded or apache, not ${JSON.stringify(value)}`);
}

/** What a benchmark needs of a process it started: whether it died, its CPU time, and a way to stop it. */
export interface BenchChild {
  readonly name: string;
  readonly exited: string | undefined;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export const REPO_ROOT = resolve(__dirname, '../..');

interface EmbeddedPg {
  startEmbeddedPostgres(options: {
    dataDir: string;
    port: number;
    persistent?: boolean;
    settings?: string[];
  }): Promise<{ url: string; stop(): Promise<void> }>;
}

/** A throwaway embedded Postgres in `dataDir` (server settings as `name=value`), the one jest's global setup uses. */
export async function startBenchPostgres(dataDir: string, settings: string[] = []): Promise<{ url: string; stop(): Promise<void> }> {
  // Plain JS shared with jest's global setup (no typings, hence require).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedPostgres } = require(join(REPO_ROOT, 'libs/testing/src/embedded-pg.js')) as EmbeddedPg;
  return startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, settings });
}

/** One Apache Kafka node (KRaft, 1 GiB heap, auto-create off as in docker-compose.yml) seen as a bench process. */
class ApacheBenchBroker implements BenchChild {
  constructor(private readonly cluster: ApacheKafkaCluster) {}

  get name(): string {
    return `Apache Kafka ${this.cluster.version}`;
  }

  get exited(): string | undefined {
    return this.cluster.nodes[0].running ? undefined : `${this.name} exited; see server.log under ${this.cluster.dataDir}`;
  }

  cpuSeconds(): number {
    const pid = this.cluster.nodes[0].pid;
    return (pid !== undefined && cpuSecondsOf(pid)) || 0;
  }

  /** kill -9: the benchmark's data is thrown away. */
  stop(): Promise<void> {
    return this.cluster.stop();
  }
}

/**
 * The broker a benchmark runs on, in `work`/kafka, with `topics` created once it answers: the durable embedded
 * broker through its CLI (default fsync policy, no topic auto-creation; it logs to `logFd`), or one Apache Kafka
 * node. Apache Kafka flushes to disk when the OS does (log.flush.* unset), the embedded broker on its fsync policy:
 * that is each broker's production default, so the figures compare what users run.
 */
export async function startBenchBroker(
  work: string,
  logFd: number,
  topics: Array<{ topic: string; numPartitions: number }>,
  kind: BenchKafkaKind = 'embedded',
): Promise<{ broker: BenchChild; brokers: string[] }> {
  if (kind === 'apache') {
    const cluster = await startApacheKafka({ nodes: 1, dataDir: join(work, 'kafka'), heapMb: 1024 });
    const broker = new ApacheBenchBroker(cluster);
    try {
      await createTopics(cluster.brokers, topics);
    } catch (error) {
      await broker.stop();
      throw error;
    }
    return { broker, brokers: cluster.brokers };
  }
  const port = await freePort();
  const broker = BenchProcess.start(
    'embedded broker',
    REPO_ROOT,
    'libs/embedded-kafka/src/cli.ts',
    ['--port', String(port), '--data-dir', join(work, 'kafka'), '--auto-create-topics', 'false', '--log-level', 'warn'],
    {},
    logFd,
    // V8 flags for the broker alone (space-separated), e.g. `--cpu-prof --cpu-prof-dir=DIR`, which NODE_OPTIONS refuses.
    (process.env.BENCH_BROKER_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  );
  const brokers = [`127.0.0.1:${port}`];
  for (let attempt = 0; ; attempt++) {
    try {
      await createTopics(brokers, topics);
      return { broker, brokers };
    } catch (error) {
      if (broker.exited || attempt > 120) {
        await broker.stop();
        throw error;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function createTopics(brokers: string[], topics: Array<{ topic: string; numPartitions: number }>): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
