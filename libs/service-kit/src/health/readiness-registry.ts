/** A readiness check resolves (or returns true) when its dependency is usable; it throws or returns false otherwise. */
export type ReadinessCheck = () => Promise<boolean | void> | boolean | void;

export interface CheckResult {
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'shutting_down';
  checks: Record<string, CheckResult>;
}

interface RegisteredCheck {
  check: ReadinessCheck;
  timeoutMs: number;
}

const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/**
 * Holds the readiness checks that modules register (database reachable, Kafka consumer joined, ...).
 * Once shutdown begins, readiness reports 503 at once so load balancers stop routing here
 * while consumers and in-flight requests drain.
 */
export class ReadinessRegistry {
  private readonly checks = new Map<string, RegisteredCheck>();
  private shuttingDown = false;

  register(name: string, check: ReadinessCheck, options: { timeoutMs?: number } = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, registered]) => [name, await runCheck(registered)] as const),
    );
    const checks = Object.fromEntries(entries);
    if (this.shuttingDown) return { status: 'shutting_down', checks };
    const allOk = entries.every(([, result]) => result.ok);
    return { status: allOk ? 'ready' : 'not_ready', checks };
  }
}

async function runCheck({ check, timeoutMs }: RegisteredCheck): Promise<CheckResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`check timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    const outcome = await Promise.race([Promise.resolve().then(check), timeout]);
    if (outcome === false) return { ok: false, durationMs: elapsed(), error: 'check reported not ready' };
    return { ok: true, durationMs: elapsed() };
  } catch (err) {
    return { ok: false, durationMs: elapsed(), error: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
