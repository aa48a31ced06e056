import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface TapExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const STDERR_LINES = 40;
const KILL_GRACE_MS = 2000;
/** What a tap may see of our environment: enough to run (a venv's python needs PATH), no database URL or token. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** A private temp folder (0700) for the files a tap reads (config, state, catalog); `remove` deletes it. */
export class TapFiles {
  private constructor(readonly dir: string) {}

  static async create(files: Record<string, unknown>): Promise<TapFiles> {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-singer-'));
    await chmod(dir, 0o700);
    const created = new TapFiles(dir);
    for (const [name, content] of Object.entries(files)) {
      if (content !== undefined) await writeFile(created.path(name), JSON.stringify(content), { mode: 0o600 });
    }
    return created;
  }

  path(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A running tap: stdout to read, the last stderr lines kept for errors (secrets masked), and a `stop` that ends its
 * whole process group (a wrapper script's python included): SIGTERM, then SIGKILL after a grace period.
 */
export class TapProcess {
  readonly exited: Promise<TapExit>;
  private readonly stderr: string[] = [];
  private partial = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly secrets: string[],
  ) {
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.stderr.push(error.message);
        resolve({ code: -1, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.keepStderr(chunk));
  }

  static start(command: string, args: string[], env: Record<string, string>, secrets: string[]): TapProcess {
    const passed = Object.fromEntries(PASSED_ENV.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
    const child = spawn(command, args, { env: { ...passed, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    return new TapProcess(
      child,
      secrets.filter((s) => s.length >= 3),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdout(): Readable {
    return this.child.stdout!;
  }

  /** The last lines the tap wrote to stderr, each secret replaced by `***`. */
  stderrTail(): string[] {
    const lines = this.partial ? [...this.stderr, this.partial] : [...this.stderr];
    return lines.slice(-STDERR_LINES).map((line) => this.secrets.reduce((text, secret) => text.split(secret).join('***'), line));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    this.signal('SIGTERM');
    // 'close' waits for stdout to end: unread output (a consumer that stopped early) must not hold it open
    this.child.stdout?.destroy();
    const timer = setTimeout(() => this.signal('SIGKILL'), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal); // the group: detached made the tap its leader
    } catch {
      // already gone
    }
  }

  private keepStderr(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!.slice(-2000);
    this.stderr.push(...lines.map((l) => l.slice(0, 2000)));
    if (this.stderr.length > STDERR_LINES) this.stderr.splice(0, this.stderr.length - STDERR_LINES);
  }
}

/** Every string in a (nested) value: the secret values to mask in stderr. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
