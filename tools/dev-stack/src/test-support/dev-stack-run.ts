import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { SERVICE_NAMES } from '@tessera/config';
import { REPO_ROOT } from '../dev-stack-settings';
import { READY_HEADLINE } from '../ready-banner';

// `npm start` as a child process, for the dev-stack integration tests.

export interface StackRun {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every holder of its stdout/stderr is gone, including the detached stack runner, which inherits them. */
  closed: Promise<void>;
}

export interface Banner {
  services: Record<string, string>;
  writeKey: string;
  adminToken: string;
  readToken: string;
  postgresPort: number;
  kafka: string;
  postgres: string;
}

export const STARTUP_TIMEOUT_MS = 150_000;
export const STOP_TIMEOUT_MS = 60_000;
/** Every stack this file started, so a failed test cannot leave one running (see stopStack). */
export const startedStacks: StackRun[] = [];

export function startStack(dataDir: string, overrides: NodeJS.ProcessEnv = {}): StackRun {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_DATA_DIR: dataDir, TESSERA_DEV_EPHEMERAL_PORTS: '1', LOG_LEVEL: 'warn' };
  for (const name of ['KAFKA_BROKERS', 'DATABASE_URL', 'TESSERA_ADMIN_TOKEN', 'TESSERA_READ_TOKEN', 'TESSERA_DEV_WRITE_KEY', 'NODE_ENV'])
    delete env[name];
  Object.assign(env, overrides);
  const child = spawn(process.execPath, ['tools/run-ts.js', 'tools/dev-stack/src/main.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const run = { child, output: () => text, exit, closed };
  startedStacks.push(run);
  return run;
}

export function within(ms: number, done: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([done.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops a stack a failed test left behind, in order (SIGTERM), and waits until its output pipes close. Without
 * this the detached runner keeps Postgres, the broker and six services alive, and holds this worker's pipes open,
 * so jest has to force-exit the worker ("A worker process has failed to exit gracefully"). SIGKILL of the
 * supervisor is the fallback: the runner then stops itself when its IPC channel closes.
 */
export async function stopStack(run: StackRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGTERM');
    if (!(await within(STOP_TIMEOUT_MS, run.exit))) run.child.kill('SIGKILL');
  }
  await within(STOP_TIMEOUT_MS, run.closed);
}

export async function waitForBanner(run: StackRun): Promise<Banner> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!/Press Ctrl-C to stop/.test(run.output())) {
    if (run.child.exitCode !== null) throw new Error(`dev stack exited during start-up:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`dev stack not ready in time:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const text = run.output();
  expect(text).toContain(READY_HEADLINE);
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, new RegExp(`^  ${name}\\s+(http://\\S+)`, 'm').exec(text)?.[1] ?? '']),
  );
  return {
    services,
    writeKey: /^ {2}Dev write key\s+(\S+)$/m.exec(text)![1],
    adminToken: /^ {2}Admin token\s+(\S+)$/m.exec(text)![1],
    readToken: /^ {2}Read token\s+(\S+)$/m.exec(text)![1],
    postgresPort: Number(/^ {2}Postgres\s+postgres:\/\/\S+:(\d+)\//m.exec(text)![1]),
    kafka: /^ {2}Kafka brokers\s+(.+)$/m.exec(text)![1],
    postgres: /^ {2}Postgres\s+(.+)$/m.exec(text)![1],
  };
}

export function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}
