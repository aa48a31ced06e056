import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ChildExit, ChildRun } from './child-run';
import { ChildSupervisor } from './child-supervisor';
import { REPO_ROOT } from './dev-stack-settings';
import type { GuardMessage } from './orphan-guard';

export interface GuardedChild {
  name: string;
  /** Stop order when the runner dies: lower stages first (services 0, broker 1, Postgres 2). */
  stage: number;
  signal: NodeJS.Signals;
  graceMs: number;
}

const READY_TIMEOUT_MS = 30_000;
const RELEASE_TIMEOUT_MS = 5_000;

/**
 * The runner's side of the orphan guard (orphan-guard.ts): starts it, tells it about every child as it starts and
 * exits, and restarts it (re-sending every pid) if it dies. release() lets it go when the runner stops in order.
 */
export class OrphanGuardLink {
  private readonly watched = new Map<number, GuardedChild>();
  private readonly supervisor: ChildSupervisor;

  constructor(log: (line: string) => void) {
    this.supervisor = new ChildSupervisor('orphan guard', () => launchGuard(), {
      log,
      onRunning: (run) => {
        for (const [pid, child] of this.watched) (run as GuardRun).send({ type: 'watch', pid, ...child });
      },
    });
  }

  async start(): Promise<void> {
    await this.supervisor.start();
    this.supervisor.keepAlive();
  }

  watch(pid: number, child: GuardedChild): void {
    this.watched.set(pid, child);
    this.current()?.send({ type: 'watch', pid, ...child });
  }

  unwatch(pid: number): void {
    this.watched.delete(pid);
    this.current()?.send({ type: 'unwatch', pid });
  }

  get pid(): number | undefined {
    return this.supervisor.current?.pid;
  }

  async release(): Promise<void> {
    await this.supervisor.stop();
  }

  private current(): GuardRun | undefined {
    const run = this.supervisor.current as GuardRun | undefined;
    return run && !run.exitInfo ? run : undefined;
  }
}

interface GuardRun extends ChildRun {
  send(message: GuardMessage): void;
}

function launchGuard(): Promise<GuardRun> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), path.join(__dirname, 'orphan-guard.ts')], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exitInfo: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', (code, signal) => resolve((exitInfo = { code, signal }))));
  let stopping: Promise<ChildExit> | undefined;
  const run: GuardRun = {
    pid: child.pid!,
    exited,
    get exitInfo() {
      return exitInfo;
    },
    send: (message) => {
      if (child.connected) child.send(message);
    },
    stop: () =>
      (stopping ??= (() => {
        run.send({ type: 'release' });
        const timer = setTimeout(() => child.kill('SIGKILL'), RELEASE_TIMEOUT_MS);
        return exited.finally(() => clearTimeout(timer));
      })()),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the orphan guard did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.once('message', () => (clearTimeout(timer), resolve(run)));
    void exited.then(
      (exit) => (clearTimeout(timer), reject(new Error(`the orphan guard exited while starting (${JSON.stringify(exit)})`))),
    );
  });
}
