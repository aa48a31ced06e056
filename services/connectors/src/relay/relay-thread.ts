import type { Logger } from '@tessera/observability';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RelayThreadCommand, RelayThreadData, RelayThreadReport } from './relay-thread-data';
import type { ThreadMetricsBridge } from './thread-metrics-bridge';

const RESTART_DELAY_MS = 1_000;
const STOP_TIMEOUT_MS = 30_000;
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Runs outbox-relay.worker.ts on a worker thread and keeps it running: a thread that exits unasked is started
 * again after a second (its rows wait in the outbox meanwhile; nothing is lost, as with a relay round that failed).
 * `stop()` lets the relay finish its round, give its connections back and report its last metrics.
 */
export class RelayThread {
  private worker: Worker | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly data: RelayThreadData,
    private readonly metrics: ThreadMetricsBridge,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the thread's producer is connected and its relay started. */
  start(): Promise<void> {
    this.stopping = false;
    return new Promise((resolve, reject) => {
      const worker = spawnRelayWorker(this.data);
      this.worker = worker;
      this.metrics.reset();
      let started = false;
      worker.on('message', (report: RelayThreadReport) => {
        if (report.kind === 'metrics') this.metrics.apply(report.metrics);
        else if (report.kind === 'stopped') void worker.terminate();
        else if (report.kind === 'started') {
          started = true;
          resolve();
        }
      });
      worker.on('error', (err) => this.logger.error({ err }, 'outbox relay thread failed'));
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        if (!started) reject(new Error(`the outbox relay thread exited (code ${code}) before it started`));
        if (this.stopping) return;
        this.logger.error({ code }, 'outbox relay thread exited; starting another');
        this.restartTimer = setTimeout(
          () => void this.start().catch((err) => this.logger.error({ err }, 'outbox relay thread restart failed')),
          RESTART_DELAY_MS,
        );
      });
    });
  }

  /**
   * Hands a packed outbox row to the thread's outbox memory (dropped while no thread runs). The writer is done with
   * the row once it is inserted, so a row that owns its whole ArrayBuffer is moved, not copied: copying a row of 500
   * records cost the main thread 0.2-0.55 ms, moving it 0.02-0.06 ms. A row under 4 kB shares Node's buffer pool
   * and is copied.
   */
  forward(id: string, packed: Buffer): void {
    const command = { kind: 'row', id, packed } satisfies RelayThreadCommand;
    const { buffer } = packed;
    const owned = buffer instanceof ArrayBuffer && packed.byteOffset === 0 && packed.byteLength === buffer.byteLength;
    this.worker?.postMessage(command, owned ? [buffer] : []);
  }

  /** The running thread's id (undefined between a crash and its restart). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Ends the thread at once, as a crash would, mid-round or not (tests: it is replaced, nothing is lost). */
  async interrupt(): Promise<void> {
    await this.worker?.terminate();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'stop' } satisfies RelayThreadCommand);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The thread runs the worker file as this one is run: compiled JavaScript as it is, TypeScript (npm start's swc,
 * jest) through tools/run-ts.js's require hook, which a new thread does not inherit.
 */
function spawnRelayWorker(data: RelayThreadData): Worker {
  const entry = join(__dirname, `outbox-relay.worker${extname(__filename)}`);
  if (extname(__filename) !== '.ts') return new Worker(entry, { workerData: data });
  const hook = join(REPOSITORY_ROOT, 'tools', 'ts-require-hook.js');
  const code = [`require(${JSON.stringify(hook)});`, `require(${JSON.stringify(entry)});`].join('\n');
  return new Worker(code, { eval: true, workerData: data });
}
