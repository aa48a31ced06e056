/**
 * A pass run every `intervalMs` (after the previous one ended) and on demand; concurrent calls share the pass in
 * flight, and a failed pass is logged and tried again at the next tick. `stop()` waits for the pass in flight.
 */
export class PollLoop<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly pass: () => Promise<T>,
    private readonly onError: (err: unknown) => T,
  ) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  runOnce(): Promise<T> {
    this.running ??= this.pass()
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce().finally(() => this.schedule()), this.intervalMs);
    this.timer.unref();
  }
}
