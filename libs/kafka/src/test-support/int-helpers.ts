import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

export interface FixtureProcess {
  readonly child: ChildProcess;
  /** Lines the child printed so far. */
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Fixture processes whose output pipes are still open; stopFixtures() ends them. */
const liveFixtures = new Set<ChildProcess>();

/** Runs a TypeScript fixture in a child process through tools/run-ts.js. */
export function runFixture(fixture: string, env: Record<string, string>): FixtureProcess {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'tools', 'run-ts.js'), join(__dirname, fixture)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveFixtures.add(child);
  child.once('close', () => liveFixtures.delete(child));
  const lines: string[] = [];
  let err = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited, stderr: () => err };
}

/**
 * For afterAll: SIGKILLs every fixture a failed test left running and waits for its pipes to close. A leftover
 * consumer would otherwise keep writing to the schema being dropped and keep the jest worker from exiting.
 */
export async function stopFixtures(): Promise<void> {
  await Promise.all(
    [...liveFixtures].map((child) => {
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return closed;
    }),
  );
}
