import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as readline from 'node:readline';
import type { BenchBroker } from './bench-broker';

/**
 * librdkafka's in-memory mock cluster (one broker), run by the C launcher mock-cluster.c.
 * The launcher lives as long as its stdin stays open, so a crashed benchmark never leaves it behind.
 */
export class MockClusterBroker implements BenchBroker {
  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** @param topics `name:partitions` specs, created before the bootstrap address is printed. */
  static async start(launcher: string, topics: string[]): Promise<MockClusterBroker> {
    const child = spawn(launcher, topics, { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout! });
    const firstLine = new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`mock-cluster exited with ${code} before printing its bootstrap`)));
      child.once('error', reject);
    });
    const bootstrap = (await firstLine).trim();
    lines.close();
    return new MockClusterBroker(child, bootstrap);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end();
    await exited;
  }
}
