/** A readiness check resolves (or returns true) when its dependency is usable; it throws or returns false otherwise. */
export type ReadinessCheck = () => Promise<boolean | void> | boolean | void;

export interface CheckResult {
  ok: boolean;
  durationMs: number;
  error?: string;
  /** Only on checks registered with required: false: this one failing does not make the service unready. */
  required?: false;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'shutting_down';
  checks: Record<string, CheckResult>;
  /** Failing checks that do not gate readiness (the service still does its job, in a degraded way). */
  degraded: string[];
}

export interface CheckOptions {
  timeoutMs?: number;
  /**
   * Default true. False for a dependency the service can do without for a while: the ingest gateway answers
   * known write keys from its source cache while the database is down, and taking it out of the load balancer
   * would turn that into lost traffic. Its failure is reported under `degraded`.
   */
  required?: boolean;
}

interface RegisteredCheck {
  check: ReadinessCheck;
  timeoutMs: number;
  required: boolean;
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

  register(name: string, check: ReadinessCheck, options: CheckOptions = {}): void {
    if (this.checks.has(name)) throw new Error(`readiness check "${name}" is already registered`);
    this.checks.set(name, { check, timeoutMs: options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, required: options.required ?? true });
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
      [...this.checks.entries()].map(async ([name, registered]) => {
        const result = await runCheck(registered);
        return [name, registered.required ? result : { ...result, required: false as const }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const degraded = entries.filter(([, result]) => !result.ok && result.required === false).map(([name]) => name);
    if (this.shuttingDown) return { status: 'shutting_down', checks, degraded };
    const allOk = entries.every(([, result]) => result.ok || result.required === false);
    return { status: allOk ? 'ready' : 'not_ready', checks, degraded };
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
