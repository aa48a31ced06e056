import { describeExit, type ChildExit, type ChildRun } from './child-run';
import { crashStreak, DEFAULT_RESTART_POLICY, restartDelayMs, type RestartPolicy } from './restart-backoff';

export interface ChildSupervisorHooks {
  log(line: string): void;
  /** Each run once it is up (the first and every restart); the dev stack hands its pid to the orphan guard. */
  onRunning?(run: ChildRun): void;
  /** Each run once it has exited, expectedly or not. */
  onExited?(run: ChildRun): void;
}

/**
 * Keeps one child running: launches it, and once keepAlive() has been called, relaunches it whenever it exits,
 * after a backoff that doubles with each crash in a row (restart-backoff.ts). Before keepAlive() an exit is left to
 * the caller (a service that dies during start-up is a start-up failure, with its own message). stop() ends the
 * restarts and stops the current run, also one still launching or waiting for its restart.
 */
export class ChildSupervisor {
  private run: ChildRun | undefined;
  private launching: Promise<ChildRun | undefined> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private keepingAlive = false;
  private stopped = false;
  private streak = 0;
  private restarts = 0;

  constructor(
    readonly name: string,
    private readonly launch: () => Promise<ChildRun>,
    private readonly hooks: ChildSupervisorHooks,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** The current run, if one is up. */
  get current(): ChildRun | undefined {
    return this.run;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** Launches the first run; a failure to launch is thrown to the caller. */
  async start(): Promise<ChildRun> {
    const launching = this.launch();
    // stop() during the first launch waits for it, then stops what it launched.
    this.launching = launching.catch(() => undefined);
    try {
      const run = await launching;
      this.adopt(run);
      return run;
    } finally {
      this.launching = undefined;
    }
  }

  /** From now on an exit is a crash: log it and relaunch after the backoff. */
  keepAlive(): void {
    this.keepingAlive = true;
    const run = this.run;
    if (run?.exitInfo && !this.restartTimer && !this.launching)
      this.scheduleRestart(`${this.name} (pid ${run.pid}) ${describeExit(run.exitInfo)}`, 0);
  }

  async stop(): Promise<ChildExit | undefined> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.launching;
    if (!this.run) return undefined;
    return this.run.exitInfo ?? this.run.stop();
  }

  private adopt(run: ChildRun): void {
    this.run = run;
    const startedAt = Date.now();
    this.hooks.onRunning?.(run);
    void run.exited.then((exit) => {
      this.hooks.onExited?.(run);
      if (this.stopped || !this.keepingAlive || this.run !== run) return;
      this.scheduleRestart(`${this.name} (pid ${run.pid}) ${describeExit(exit)}`, Date.now() - startedAt);
    });
  }

  private scheduleRestart(what: string, ranMs: number): void {
    this.streak = crashStreak(this.streak, ranMs, this.policy);
    const delay = restartDelayMs(this.streak, this.policy);
    this.hooks.log(
      `${what}; restarting in ${delay < 1000 ? `${delay} ms` : `${(delay / 1000).toFixed(1)} s`} (crash ${this.streak} in a row)`,
    );
    this.restartTimer = setTimeout(() => void this.relaunch(), delay);
  }

  private async relaunch(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopped) return;
    this.launching = this.launch().then(
      (run) => run,
      (error: unknown) => {
        this.hooks.log(`${this.name} did not restart: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      },
    );
    const run = await this.launching;
    this.launching = undefined;
    if (!run) {
      if (!this.stopped) this.scheduleRestart(`${this.name} is still down`, 0);
      return;
    }
    this.restarts += 1;
    this.adopt(run);
    this.hooks.log(`${this.name} restarted (pid ${run.pid}, restart ${this.restarts})`);
  }
}
