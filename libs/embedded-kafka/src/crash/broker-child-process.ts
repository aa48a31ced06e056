import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

export interface BrokerChildOptions {
  port: number;
  dataDir: string;
  /** Appended to after each restart, so a failing test can show what the broker said. */
  logFile: string;
  extraArgs?: string[];
}

/** Asks the OS for a free TCP port on loopback. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The broker as an operator runs it, `node tools/run-ts.js libs/embedded-kafka/src/cli.ts`, in its own process,
 * so the crash test can kill it with SIGKILL: no exit handlers, no flushing, exactly like a power-cut of the process.
 */
export class BrokerChildProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(options: BrokerChildOptions, timeoutMs = 30_000): Promise<BrokerChildProcess> {
    const logFd = openSync(options.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(
        process.execPath,
        [
          path.join(REPO_ROOT, 'tools/run-ts.js'),
          path.join(REPO_ROOT, 'libs/embedded-kafka/src/cli.ts'),
          '--port',
          String(options.port),
          '--data-dir',
          options.dataDir,
          ...(options.extraArgs ?? []),
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', logFd, logFd] },
      );
    } finally {
      closeSync(logFd);
    }
    const broker = new BrokerChildProcess(child);
    const deadline = Date.now() + timeoutMs;
    while (!(await portAcceptsConnections(options.port))) {
      if (!broker.running) throw new Error(`broker exited during start-up (code ${child.exitCode}); log: ${options.logFile}`);
      if (Date.now() > deadline) {
        await broker.kill('SIGKILL');
        throw new Error(`broker did not listen on ${options.port} within ${timeoutMs} ms; log: ${options.logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return broker;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sends the signal and resolves once the process is gone. */
  async kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return { code: this.child.exitCode, signal: this.child.signalCode };
    const exited = once(this.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    this.child.kill(signal);
    const [code, exitSignal] = await exited;
    return { code, signal: exitSignal };
  }
}
