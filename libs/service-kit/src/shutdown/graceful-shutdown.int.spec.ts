import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURE = path.join(__dirname, '..', 'test-support', 'shutdown-fixture.main.ts');

/** Fixtures still holding their pipes; a test that timed out waiting for READY must not leave one running. */
const liveChildren = new Set<ChildProcess>();

/** Starts the fixture service in its own process, sends it SIGTERM once it listens, and reports how it ended. */
async function runAndTerminate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), FIXTURE], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.once('close', () => liveChildren.delete(child));
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error(`fixture exited before it was ready:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return { code: await exited, output };
}

describe('graceful shutdown on SIGTERM (child process)', () => {
  afterAll(async () => {
    const closed = [...liveChildren].map((child) => new Promise((resolve) => child.once('close', resolve)));
    for (const child of liveChildren) child.kill('SIGKILL');
    await Promise.all(closed);
  });

  it('exits 0 once every hook has finished', async () => {
    const { code, output } = await runAndTerminate({ SHUTDOWN_TIMEOUT_MS: '10000' });
    expect(code).toBe(0);
    expect(output).toContain('shutdown started');
    expect(output).not.toContain('did not finish');
  });

  it('gives up after SHUTDOWN_TIMEOUT_MS with exit 1 when a hook hangs', async () => {
    const started = Date.now();
    const { code, output } = await runAndTerminate({ SHUTDOWN_TIMEOUT_MS: '700', SHUTDOWN_FIXTURE_HANG: '1' });
    expect(code).toBe(1);
    expect(output).toContain('shutdown did not finish in time');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
