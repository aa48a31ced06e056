import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

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

  static start(name: string, repoRoot: string, entry: string, args: string[], env: NodeJS.ProcessEnv, logFd: number, nodeFlags: string[] = []): BenchProcess {
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

  /** User + system CPU seconds the process has used so far (Linux /proc; 0 elsewhere). */
  cpuSeconds(): number {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), in clock ticks of 1/100 s on Linux.
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  }

  get exited(): string | undefined {
    return this.exitReason;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
