import { spawn, type ChildProcess } from 'node:child_process';
import { cpuSecondsOf } from './proc-stat';
import { stopChild } from './stop-child';

/** A child process of the benchmark (broker, gateway, bare server), started with tools/run-ts.js. */
export class BenchProcess {
  private exitReason: string | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.once('exit', (code, signal) => {
      this.exitReason = `${name} exited (code ${code}, signal ${signal}); see its log`;
    });
  }

  static start(
    name: string,
    repoRoot: string,
    entry: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    logFd: number,
    nodeFlags: string[] = [],
  ): BenchProcess {
    const child = spawn(process.execPath, [...nodeFlags, `${repoRoot}/tools/run-ts.js`, entry, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', logFd, logFd],
    });
    return new BenchProcess(name, child);
  }

  /** Polls url until it answers 200 (or the process dies, or the timeout passes). */
  async waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitReason) throw new Error(this.exitReason);
      try {
        const res = await fetch(url);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer 200 on ${url} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** User + system CPU seconds the process has used so far (Linux /proc; 0 elsewhere). */
  cpuSeconds(): number {
    return (this.child.pid !== undefined && cpuSecondsOf(this.child.pid)) || 0;
  }

  get exited(): string | undefined {
    return this.exitReason;
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
