import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './dev-stack-settings';

export const RUNNER_FLAG = 'TESSERA_DEV_STACK_RUNNER';

/**
 * Ctrl-C in a terminal sends SIGINT to the whole foreground process group, which would hit Postgres and every
 * service at the same moment, in no order. So the stack runs in a child in its own process group (detached),
 * and this process only turns Ctrl-C or SIGTERM into one SIGTERM for it, which then stops things in order.
 */
export function superviseStack(entry: string): void {
  const runner = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), entry], {
    cwd: process.cwd(),
    env: { ...process.env, [RUNNER_FLAG]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let forwarded = false;
  const forward = () => {
    if (forwarded) return;
    forwarded = true;
    runner.kill('SIGTERM');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);
  runner.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
