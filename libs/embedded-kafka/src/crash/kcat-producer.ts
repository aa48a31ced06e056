import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as readline from 'node:readline';

export interface DeliveryReport {
  delivered: boolean;
  partition?: number;
  offset?: number;
  error?: string;
}

export interface KcatProducerResult {
  exitCode: number | null;
  /** In the order kcat printed them. */
  reports: DeliveryReport[];
  stderr: string[];
}

const DELIVERED = /Message delivered to partition (-?\d+) \(offset (-?\d+)\)/;
const FAILED = /Delivery failed for message: (.*)$/;

/**
 * One `kcat -P` process fed through stdin. Run with `-v -v`, kcat prints one line per delivery report
 * (success with partition and offset, or failure), which is how the test learns what the broker acknowledged.
 * kcat exits 0 only when every message it read was delivered, and 1 when any delivery failed.
 */
export class KcatProducer {
  readonly reports: DeliveryReport[] = [];
  private readonly stderr: string[] = [];
  private readonly exit: Promise<number | null>;
  private readonly reportWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(private readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stderr! });
    lines.on('line', (line) => this.onStderrLine(line));
    const closed = once(lines, 'close');
    this.exit = Promise.all([once(child, 'exit'), closed]).then(([[code]]) => code as number | null);
    // kcat may exit before reading all of its input; its exit code then tells the story, not an EPIPE here.
    child.stdin!.on('error', () => undefined);
  }

  /** `-E` keeps kcat alive while the broker is down ("all brokers down" is otherwise fatal to kcat). */
  static start(bootstrap: string, topic: string, extraArgs: string[]): KcatProducer {
    const child = spawn('kcat', ['-P', '-b', bootstrap, '-t', topic, '-E', '-v', '-v', ...extraArgs], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    return new KcatProducer(child);
  }

  /** Writes input lines, honouring back-pressure so a stalled kcat does not buffer the whole chunk here. */
  async write(text: string): Promise<void> {
    const stdin = this.child.stdin!;
    if (stdin.destroyed || this.child.exitCode !== null) throw new Error(`kcat exited early: ${this.stderr.slice(0, 5).join(' | ')}`);
    if (!stdin.write(text)) await Promise.race([once(stdin, 'drain'), this.exit]);
  }

  /** Resolves once at least `count` delivery reports (of either kind) have been printed. */
  waitForReports(count: number, timeoutMs: number): Promise<void> {
    if (this.reports.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count} delivery reports within ${timeoutMs} ms`)), timeoutMs);
      this.reportWaiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Closes stdin (end of input) and waits for kcat to deliver or fail everything and exit. */
  async finish(): Promise<KcatProducerResult> {
    this.child.stdin!.end();
    const exitCode = await this.exit;
    return { exitCode, reports: this.reports, stderr: this.stderr };
  }

  private onStderrLine(line: string): void {
    const delivered = DELIVERED.exec(line);
    const failed = delivered ? null : FAILED.exec(line);
    if (delivered) {
      this.reports.push({ delivered: true, partition: Number(delivered[1]), offset: Number(delivered[2]) });
    } else if (failed) {
      this.reports.push({ delivered: false, error: failed[1] });
    } else if (this.stderr.length < 200) {
      this.stderr.push(line);
    }
    for (let i = this.reportWaiters.length - 1; i >= 0; i--) {
      if (this.reports.length >= this.reportWaiters[i].count) {
        this.reportWaiters[i].resolve();
        this.reportWaiters.splice(i, 1);
      }
    }
  }
}
