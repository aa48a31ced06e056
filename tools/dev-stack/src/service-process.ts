import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ServiceName } from '@tessera/config';
import { prefixLines } from './output-prefixer';
import { REPO_ROOT } from './dev-stack-settings';

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One service as a child process, started the way a developer would (`node tools/run-ts.js
 * services/<name>/src/main.ts`), its output prefixed with its name.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<ServiceExit> | undefined;
  private exitInfo: ServiceExit | undefined;

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): ServiceExit | undefined {
    return this.exitInfo;
  }

  /** Resolves when the process has exited, for whatever reason. */
  waitForExit(): Promise<ServiceExit> {
    if (!this.exitPromise) throw new Error(`${this.name} was never started`);
    return this.exitPromise;
  }

  start(): void {
    const entry = path.join('services', this.name, 'src', 'main.ts');
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'tools', 'run-ts.js'), entry], {
      cwd: REPO_ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    prefixLines(child.stdout!, process.stdout, this.name);
    prefixLines(child.stderr!, process.stderr, this.name);
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /** SIGTERM (the service drains and exits by itself), then SIGKILL if it is still there after graceMs. */
  async stop(graceMs: number): Promise<ServiceExit> {
    if (!this.child || !this.exitPromise) return { code: null, signal: null };
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }
}
