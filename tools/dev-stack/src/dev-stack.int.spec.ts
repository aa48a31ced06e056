import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_NAMES } from '@tessera/config';
import { startTestBroker, testDatabaseUrl } from '@tessera/testing';
import { REPO_ROOT } from './dev-stack-settings';
import { READY_HEADLINE } from './ready-banner';

interface StackRun {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every holder of its stdout/stderr is gone, including the detached stack runner, which inherits them. */
  closed: Promise<void>;
}

interface Banner {
  services: Record<string, string>;
  writeKey: string;
  adminToken: string;
  readToken: string;
  postgresPort: number;
  kafka: string;
  postgres: string;
}

const STARTUP_TIMEOUT_MS = 150_000;
const STOP_TIMEOUT_MS = 60_000;
/** Every stack this file started, so a failed test cannot leave one running (see stopStack). */
const startedStacks: StackRun[] = [];

function startStack(dataDir: string, overrides: NodeJS.ProcessEnv = {}): StackRun {
  const env: NodeJS.ProcessEnv = { ...process.env, TESSERA_DATA_DIR: dataDir, TESSERA_DEV_EPHEMERAL_PORTS: '1', LOG_LEVEL: 'warn' };
  for (const name of ['KAFKA_BROKERS', 'DATABASE_URL', 'TESSERA_ADMIN_TOKEN', 'TESSERA_DEV_WRITE_KEY', 'NODE_ENV']) delete env[name];
  Object.assign(env, overrides);
  const child = spawn(process.execPath, ['tools/run-ts.js', 'tools/dev-stack/src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const run = { child, output: () => text, exit, closed };
  startedStacks.push(run);
  return run;
}

function within(ms: number, done: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([done.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops a stack a failed test left behind, in order (SIGTERM), and waits until its output pipes close. Without
 * this the detached runner kept Postgres, the broker and six services alive, and held this worker's pipes open,
 * so jest had to force-exit the worker ("A worker process has failed to exit gracefully"). SIGKILL of the
 * supervisor is the fallback: the runner then stops itself when its IPC channel closes.
 */
async function stopStack(run: StackRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGTERM');
    if (!(await within(STOP_TIMEOUT_MS, run.exit))) run.child.kill('SIGKILL');
  }
  await within(STOP_TIMEOUT_MS, run.closed);
}

async function waitForBanner(run: StackRun): Promise<Banner> {
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

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });
}

describe('npm start (dev stack as a child process)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-stack-'));
  let running: StackRun | undefined;

  afterAll(async () => {
    await Promise.all(startedStacks.map(stopStack));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 2 * STOP_TIMEOUT_MS + 10_000);

  it('starts everything, serves every /readyz, stops cleanly on SIGINT and keeps its data and keys', async () => {
    running = startStack(dataDir);
    const first = await waitForBanner(running);
    expect(Object.keys(first.services)).toHaveLength(6);
    for (const [name, url] of Object.entries(first.services)) {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${url}/readyz`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
    expect(first.writeKey).toMatch(/^dev_[0-9a-f]{32}$/);
    expect(first.adminToken).toMatch(/^[0-9a-f]{48}$/);
    // The printed read token reads the Customer 360; without it the profile API answers 401.
    const profileUrl = `${first.services['profile-merger']}/v1/profiles/00000000-0000-4000-8000-000000000000`;
    expect((await fetch(profileUrl)).status).toBe(401);
    expect((await fetch(profileUrl, { headers: { authorization: `Bearer ${first.readToken}` } })).status).toBe(404);
    expect(running.output()).toContain('topics: 10 created, 0 already there');

    running.child.kill('SIGINT');
    expect(await running.exit).toEqual({ code: 0, signal: null });
    const stopLog = running.output();
    // Every service exited 0 by itself (the stack logs any other exit), then the broker stopped, then Postgres.
    expect(stopLog).not.toMatch(/exited with code|was stopped by/);
    expect(stopLog.indexOf('embedded Kafka broker stopped')).toBeGreaterThan(stopLog.indexOf('stopping (SIGTERM)'));
    expect(stopLog.indexOf('embedded Postgres stopped')).toBeGreaterThan(stopLog.indexOf('embedded Kafka broker stopped'));
    for (const url of Object.values(first.services)) expect(await portIsClosed(Number(new URL(url).port))).toBe(true);
    expect(await portIsClosed(first.postgresPort)).toBe(true);

    running = startStack(dataDir);
    const second = await waitForBanner(running);
    expect(second.writeKey).toBe(first.writeKey);
    expect(second.adminToken).toBe(first.adminToken);
    expect(second.readToken).toBe(first.readToken);
    expect(running.output()).toContain('topics: 0 created, 10 already there');
    running.child.kill('SIGTERM');
    expect(await running.exit).toEqual({ code: 0, signal: null });
  }, 2 * STARTUP_TIMEOUT_MS + 60_000);

  it('uses an external Kafka and Postgres, and fixed keys, when the environment names them', async () => {
    // The broker runs in this jest process; it keeps answering because the stack is an asynchronous child.
    const broker = await startTestBroker();
    const externalDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dev-stack-external-'));
    try {
      running = startStack(externalDataDir, {
        KAFKA_BROKERS: broker.brokers.join(','),
        DATABASE_URL: testDatabaseUrl(),
        TESSERA_DEV_WRITE_KEY: 'fixed-write-key',
        TESSERA_ADMIN_TOKEN: 'fixed-admin-token',
      });
      const banner = await waitForBanner(running);
      expect(banner.writeKey).toBe('fixed-write-key');
      expect(banner.adminToken).toBe('fixed-admin-token');
      expect(banner.kafka).toBe(`${broker.brokers.join(',')}  (external)`);
      expect(banner.postgres).toMatch(/\(external\)$/);
      expect(running.output()).not.toContain('embedded Postgres on');
      for (const url of Object.values(banner.services)) expect((await fetch(`${url}/readyz`)).status).toBe(200);
      running.child.kill('SIGTERM');
      expect(await running.exit).toEqual({ code: 0, signal: null });
      expect(fs.existsSync(path.join(externalDataDir, 'postgres'))).toBe(false);
      expect(fs.existsSync(path.join(externalDataDir, 'kafka'))).toBe(false);
    } finally {
      // Stop a stack the test left running before its broker, or its services would drain against a dead Kafka.
      if (running) await stopStack(running);
      await broker.stop();
      fs.rmSync(externalDataDir, { recursive: true, force: true });
    }
  }, STARTUP_TIMEOUT_MS + 60_000);
});
