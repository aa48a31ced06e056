import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/**
 * The consumers' session in a child (KAFKA_CONSUMER_SESSION_TIMEOUT_MS), so a killed member leaves its group fast:
 * every kill -9 stalls its group's rebalance by up to this. 2 s on both test brokers (each allows 1 s through
 * group.min.session.timeout.ms); the crash suites passed under load with it (docs/benchmarks.md). The 3-broker
 * failover suites, which move group coordinators between nodes, set their own.
 */
const SHORT_SESSION_MS = '2000';
/** Enough of a child's output to explain why it failed, without holding a long run's logs in memory. */
const KEPT_OUTPUT_CHARS = 20_000;

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceChildOptions {
  /** Folder under services/: its src/main.ts is what runs. */
  service: string;
  /** Another entry point under the service's src/ than main.ts (e.g. a test wiring of it). */
  entry?: string;
  /** Added to the parent's environment (DATABASE_URL, DATABASE_SCHEMA, KAFKA_BROKERS, PORT, ...). */
  env: Record<string, string>;
}

export interface ServiceLaunchOptions {
  /** Folder under services/: its src/main.ts is what runs. */
  service: string;
  /** Another entry point under the service's src/ than main.ts (e.g. a test wiring of it). */
  entry?: string;
  /** Postgres URL and the service's schema (e.g. a createTestSchema()). */
  database: { url: string; schema: string };
  brokers: string[];
  /** Added last, so they override the defaults (e.g. TESSERA_DEV_WRITE_KEY, LOG_LEVEL). */
  env?: Record<string, string>;
  /** Give every Kafka consumer a short session (SHORT_SESSION_MS) so a killed member leaves its group fast (default true). */
  shortKafkaSessions?: boolean;
}

/** The bearer tokens launch() gives every service: the admin token, and the read token for GET routes. */
export const CHILD_SERVICE_TOKENS = { admin: 'test-admin-token', read: 'test-read-token' } as const;

/**
 * A catalog service's real main.ts in a child process (through tools/run-ts.js), for kill -9 tests. Keeps the
 * tail of its output for failure messages. `killAll()` in afterAll ends whatever a failed test left running.
 */
export class ServiceChildProcess {
  private static readonly live = new Set<ServiceChildProcess>();

  readonly exited: Promise<ServiceExit>;
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private outputTail = '';
  private exitInfo: ServiceExit | undefined;

  private constructor(readonly options: ServiceChildOptions) {
    const main = path.join(REPO_ROOT, 'services', options.service, 'src', options.entry ?? 'main.ts');
    this.child = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), main], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.outputTail = (this.outputTail + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      }),
    );
    this.closed = new Promise((resolve) => this.child.once('close', () => resolve()));
    ServiceChildProcess.live.add(this);
    void this.closed.then(() => ServiceChildProcess.live.delete(this));
  }

  static start(options: ServiceChildOptions): ServiceChildProcess {
    return new ServiceChildProcess(options);
  }

  /** start() with the environment every test sets: test mode, a free PORT, the database, the brokers, quiet logs. */
  static async launch(options: ServiceLaunchOptions): Promise<ServiceChildProcess> {
    const env = {
      NODE_ENV: 'test',
      PORT: String(await freePort()),
      DATABASE_URL: options.database.url,
      DATABASE_SCHEMA: options.database.schema,
      KAFKA_BROKERS: options.brokers.join(','),
      TESSERA_ADMIN_TOKEN: CHILD_SERVICE_TOKENS.admin,
      TESSERA_READ_TOKEN: CHILD_SERVICE_TOKENS.read,
      LOG_LEVEL: 'error',
      ...(options.shortKafkaSessions === false ? {} : { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: SHORT_SESSION_MS }),
      ...options.env,
    };
    return new ServiceChildProcess({ service: options.service, entry: options.entry, env });
  }

  /** The HTTP port the service was given (PORT). */
  get port(): number {
    return Number(this.options.env.PORT);
  }

  /** SIGKILLs every child still running and waits for their pipes to close. */
  static async killAll(): Promise<void> {
    await Promise.all([...ServiceChildProcess.live].map((child) => child.kill('SIGKILL')));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Set once the process has exited, for whatever reason. */
  get exitStatus(): ServiceExit | undefined {
    return this.exitInfo;
  }

  /** The last ~20 KB the process printed. */
  output(): string {
    return this.outputTail;
  }

  /** Graceful stop: SIGTERM (the service drains and exits), then SIGKILL if it is still there after graceMs. */
  async stop(graceMs = 15_000): Promise<ServiceExit> {
    const forceKill = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.kill('SIGTERM');
    } finally {
      clearTimeout(forceKill);
    }
  }

  /** Sends the signal (SIGKILL by default) and waits until the process has exited and its pipes closed. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ServiceExit> {
    if (!this.exitInfo) this.child.kill(signal);
    const exit = await this.exited;
    await this.closed;
    return exit;
  }
}
