import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from '../shared/stop-child';
import * as path from 'node:path';
import { waitForPort, type BenchBroker } from './bench-broker';

export interface EmbeddedBrokerStartOptions {
  repoRoot: string;
  port: number;
  dataDir: string;
  extraArgs: string[];
  cpuProfileDir?: string;
  /** Where the broker's stdout/stderr go; the benchmark keeps them out of its table. */
  logFd: number;
}

/** The durable embedded broker, started exactly as a user would: `node tools/run-ts.js libs/embedded-kafka/src/cli.ts`. */
export class EmbeddedBrokerProcess implements BenchBroker {
  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(options: EmbeddedBrokerStartOptions): Promise<EmbeddedBrokerProcess> {
    const nodeFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const args = [
      ...nodeFlags,
      path.join(options.repoRoot, 'tools/run-ts.js'),
      path.join(options.repoRoot, 'libs/embedded-kafka/src/cli.ts'),
      '--port',
      String(options.port),
      '--data-dir',
      options.dataDir,
      ...options.extraArgs,
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.repoRoot,
      stdio: ['ignore', options.logFd, options.logFd],
    });
    let exitReason: string | undefined;
    child.once('exit', (code, signal) => {
      exitReason = `embedded broker exited early (code ${code}, signal ${signal}); see its log`;
    });
    child.once('error', (error) => {
      exitReason = `embedded broker failed to start: ${error.message}`;
    });
    await waitForPort('127.0.0.1', options.port, 60_000, () => exitReason);
    return new EmbeddedBrokerProcess(child, `127.0.0.1:${options.port}`);
  }

  /** SIGTERM, as an operator would; the broker flushes and exits (and writes its CPU profile if asked to). */
  stop(): Promise<void> {
    return stopChild(this.child);
  }
}
