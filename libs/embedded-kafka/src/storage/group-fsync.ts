import * as fs from 'node:fs';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit for deferred fsyncs: appends that want durability queue here, one fdatasync runs at a time on the
 * libuv thread pool, and every append queued while it runs shares the next one. The event loop stays free to read
 * more requests while the disk works.
 */
export class GroupFsync {
  private waiting: Waiter[] = [];
  private running = false;
  private closed = false;

  constructor(private readonly currentFd: () => number) {}

  /** Whether an fdatasync is running on the thread pool now. */
  get busy(): boolean {
    return this.running;
  }

  /** Resolves once everything written before this call is on disk. */
  request(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.kick();
    });
  }

  /** The caller just fsynced synchronously (roll, close): everyone queued so far is durable. */
  settleAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.resolve();
  }

  close(): void {
    this.closed = true;
    this.settleAll();
  }

  private kick(): void {
    if (this.running || this.waiting.length === 0 || this.closed) return;
    const batch = this.waiting;
    this.waiting = [];
    this.running = true;
    fs.fdatasync(this.currentFd(), (error) => {
      this.running = false;
      // After close the data was fsynced synchronously and the fd may be gone: an error here means nothing.
      for (const w of batch) {
        if (error && !this.closed) w.reject(error);
        else w.resolve();
      }
      this.kick();
    });
  }
}
