import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '../free-port';
import { classArchiveJvmOptions } from './apache-kafka-class-archive';
import { apacheKafkaClassPath, APACHE_KAFKA_VERSION } from './apache-kafka-distribution';
import { formatClusterStorage } from './apache-kafka-storage-template';

const run = promisify(execFile);

export interface ApacheKafkaOptions {
  /** 1 broker, or 3 (each KRaft broker and controller at once; replication factor 3, min.insync.replicas 2). */
  nodes?: 1 | 3;
  /** Root of the nodes' log dirs (a restart reuses it); by default a temp dir that stop() deletes. */
  dataDir?: string;
  heapMb?: number;
  /** The brokers' PLAINTEXT ports (a dev stack that restarts on the same address); free ports by default. */
  brokerPorts?: readonly number[];
  /** Server settings on top of the defaults below (server.properties names). */
  settings?: Readonly<Record<string, string | number | boolean>>;
}

export interface ApacheKafkaNode {
  readonly id: number;
  /** `127.0.0.1:<port>` of its PLAINTEXT listener; stays the same across restarts. */
  readonly address: string;
  readonly running: boolean;
  /** The JVM's process id while it runs (a benchmark reads its CPU time from /proc). */
  readonly pid: number | undefined;
  /** SIGTERM: a controlled shutdown (leadership moves first). */
  stop(): Promise<void>;
  /** kill -9: no shutdown at all. */
  kill(): Promise<void>;
  /** Starts it again on its data and ports, waiting until the cluster sees it. */
  start(): Promise<void>;
}

export interface ApacheKafkaCluster {
  readonly brokers: string[];
  readonly nodes: ApacheKafkaNode[];
  readonly dataDir: string;
  readonly version: string;
  /** kill -9 of every node by default (test data is thrown away); `graceful` = a controlled shutdown of each. */
  stop(options?: { graceful?: boolean }): Promise<void>;
}

// A node restarted after kill -9 recovers its logs and catches up the metadata log before it registers: over 120 s
// was seen once at load 20 on two cores (the failover scenario's restart).
const STARTUP_TIMEOUT_MS = 240_000;
const running = new Set<ChildProcess>();
// a jest worker that dies without stop() must not leave JVMs behind
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Apache Kafka itself, from Maven Central (apache-kafka-distribution.ts), in KRaft mode on free loopback ports:
 * for tests and benchmarks that must hold on the production broker. Its settings follow docker-compose.yml (topics
 * are never auto-created unless asked, replication as the cluster size allows); tests add their short group timings.
 */
export async function startApacheKafka(options: ApacheKafkaOptions = {}): Promise<ApacheKafkaCluster> {
  const classArchive = await classArchiveJvmOptions(async (dumpOptions) => {
    const cluster = await launchCluster({ nodes: 1 }, dumpOptions);
    await cluster.stop({ graceful: true });
  });
  return launchCluster(options, classArchive);
}

async function launchCluster(options: ApacheKafkaOptions, jvmOptions: readonly string[]): Promise<ApacheKafkaCluster> {
  const count = options.nodes ?? 1;
  const classPath = await apacheKafkaClassPath();
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-apache-kafka-'));
  const ports = await Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      broker: options.brokerPorts?.[i] ?? (await freePort()),
      controller: await freePort(),
    })),
  );
  const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p.controller}`).join(',');
  const formatted = existsSync(join(dataDir, 'cluster-id'));
  mkdirSync(dataDir, { recursive: true });
  const replication = count === 3 ? 3 : 1;
  const addresses = ports.map((p) => `127.0.0.1:${p.broker}`);
  const nodes: JvmNode[] = ports.map((p, i) => {
    const id = i + 1;
    const dir = join(dataDir, `node-${id}`);
    mkdirSync(dir, { recursive: true });
    const settings: Record<string, string | number | boolean> = {
      'process.roles': 'broker,controller',
      'node.id': id,
      'controller.quorum.voters': voters,
      listeners: `PLAINTEXT://127.0.0.1:${p.broker},CONTROLLER://127.0.0.1:${p.controller}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.broker}`,
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'log.dirs': join(dir, 'logs'),
      'auto.create.topics.enable': false,
      'default.replication.factor': replication,
      'min.insync.replicas': replication === 3 ? 2 : 1,
      'offsets.topic.replication.factor': replication,
      'transaction.state.log.replication.factor': replication,
      'transaction.state.log.min.isr': replication === 3 ? 2 : 1,
      'group.initial.rebalance.delay.ms': 0,
      ...options.settings,
    };
    writeFileSync(
      join(dir, 'server.properties'),
      Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    writeFileSync(join(dir, 'log4j2.properties'), log4jConfig(join(dir, 'server.log')));
    return new JvmNode(id, addresses[i], dir, classPath, options.heapMb ?? 512, addresses, jvmOptions);
  });
  try {
    if (!formatted)
      await formatClusterStorage(
        dataDir,
        nodes.map((n) => n.logDir),
        (clusterId) => Promise.all(nodes.map((n) => n.format(clusterId))).then(() => undefined),
      );
    await Promise.all(nodes.map((n) => n.launch()));
    await waitForBrokers(addresses, count);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    throw error;
  }
  let stopped = false;
  return {
    brokers: addresses,
    nodes,
    dataDir,
    version: APACHE_KAFKA_VERSION,
    async stop({ graceful = false } = {}) {
      if (stopped) return;
      stopped = true;
      // kill -9 at the end of a test: its data is thrown away, and a controlled shutdown of a cluster takes seconds
      await Promise.all(nodes.map((n) => (graceful ? n.stop() : n.kill())));
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

class JvmNode implements ApacheKafkaNode {
  private child: ChildProcess | null = null;

  constructor(
    readonly id: number,
    readonly address: string,
    private readonly dir: string,
    private readonly classPath: string,
    private readonly heapMb: number,
    private readonly cluster: readonly string[],
    private readonly jvmOptions: readonly string[],
  ) {}

  get logDir(): string {
    return join(this.dir, 'logs');
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** `--cluster-id=` in one argument: a base64url id may start with '-', which the tool would read as an option. */
  async format(clusterId: string): Promise<void> {
    await run(
      'java',
      [
        '-cp',
        this.classPath,
        `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        join(this.dir, 'server.properties'),
      ],
      { timeout: 60_000 },
    );
  }

  async launch(): Promise<void> {
    if (this.child) return;
    const out = openSync(join(this.dir, 'stdout.log'), 'a');
    const child = spawn(
      'java',
      [
        `-Xms${Math.min(256, this.heapMb)}m`,
        `-Xmx${this.heapMb}m`,
        '-XX:+UseG1GC',
        ...this.jvmOptions,
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
        '-cp',
        this.classPath,
        'kafka.Kafka',
        join(this.dir, 'server.properties'),
      ],
      { stdio: ['ignore', out, out] },
    );
    closeSync(out);
    running.add(child);
    this.child = child;
    child.once('exit', () => {
      running.delete(child);
      if (this.child === child) this.child = null;
    });
  }

  async start(): Promise<void> {
    await this.launch();
    await waitForBrokers([...this.cluster], this.cluster.length, this.id);
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Until `count` brokers are registered (and, when given, node `id` among them), as a client sees the cluster. */
async function waitForBrokers(addresses: string[], count: number, id?: number): Promise<void> {
  const admin = new Kafka({
    clientId: 'apache-kafka-launcher',
    brokers: addresses,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await admin.connect();
        const { brokers } = await admin.describeCluster();
        if (brokers.length >= count && (id === undefined || brokers.some((b) => b.nodeId === id))) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(`Apache Kafka did not come up within ${STARTUP_TIMEOUT_MS / 1000} s (see server.log under the data dir)`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function log4jConfig(file: string): string {
  return [
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = file',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${file}`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'logger.kafka.name = org.apache.kafka',
    'logger.kafka.level = INFO',
    '',
  ].join('\n');
}
