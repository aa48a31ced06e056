import { eventually, ServiceChildProcess } from '@tessera/testing';

/** A service's /readyz answer: status code and the names of the failing checks. */
export interface ReadyAnswer {
  status: number;
  failing: string[];
  body: Record<string, unknown>;
}

export async function readyz(service: ServiceChildProcess): Promise<ReadyAnswer> {
  try {
    const res = await fetch(`http://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, failing: (body.failing as string[] | undefined) ?? [], body };
  } catch (error) {
    return { status: 0, failing: [], body: { error: String(error) } };
  }
}

/** Throws with the child's output if it exited: a fault test's first question is "is every process still the same one?". */
export function assertAlive(name: string, service: ServiceChildProcess): void {
  if (service.exitStatus) throw new Error(`${name} exited (${JSON.stringify(service.exitStatus)}):\n${service.output()}`);
}

/** Waits until /readyz matches `accept`; fails early when the process exits. */
export async function waitForReadiness(
  name: string,
  service: ServiceChildProcess,
  accept: (answer: ReadyAnswer) => boolean,
  timeoutMs: number,
  what: string,
): Promise<ReadyAnswer> {
  let last: ReadyAnswer | undefined;
  try {
    return await eventually(
      async () => {
        assertAlive(name, service);
        last = await readyz(service);
        return accept(last) ? last : undefined;
      },
      timeoutMs,
      `${name}: ${what}`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last /readyz ${JSON.stringify(last)}`);
  }
}

export interface TrackedEvent {
  userId: string;
  messageId: string;
}

/** One gateway call as the client saw it: when it was sent, how long the answer took, its status (0: no answer). */
export interface IngestCall {
  at: number;
  ms: number;
  status: number;
}

/**
 * A steady stream of Segment batch calls to the gateway. A call answered with anything but 200 is sent again
 * (same messageIds) until accepted, the way an SDK retries: so every event ends accepted exactly once as far
 * as the client knows, and the pipeline must hold each exactly once.
 */
export class IngestLoad {
  readonly accepted: TrackedEvent[] = [];
  readonly answers = new Map<number, number>();
  readonly calls: IngestCall[] = [];
  private running = false;
  private abandoned = false;
  private loop: Promise<void> | undefined;
  private sequence = 0;

  constructor(
    private readonly gatewayUrl: string,
    private readonly writeKey: string,
    private readonly eventName: string,
    private readonly options: { users: number; batchSize: number; intervalMs: number; userPrefix?: string },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /**
   * Stops after the call in hand is accepted. `abandon` stops retrying it instead, for a test that has already
   * failed: a gateway that never answers 200 again would otherwise hold the test until jest's timeout, with no
   * word of what went wrong.
   */
  async stop({ abandon = false } = {}): Promise<void> {
    this.running = false;
    this.abandoned = abandon;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const batch = Array.from({ length: this.options.batchSize }, () => {
        const n = this.sequence++;
        return { userId: `${this.options.userPrefix ?? 'outage-user'}-${n % this.options.users}`, messageId: `${this.eventName}-${n}` };
      });
      await this.sendUntilAccepted(batch);
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs));
    }
  }

  private async sendUntilAccepted(batch: TrackedEvent[]): Promise<void> {
    const body = JSON.stringify({
      batch: batch.map((e) => ({ type: 'track', event: this.eventName, userId: e.userId, messageId: e.messageId, properties: { n: 1 } })),
    });
    const authorization = `Basic ${Buffer.from(`${this.writeKey}:`).toString('base64')}`;
    for (;;) {
      let status = 0;
      const at = Date.now();
      try {
        const res = await fetch(`${this.gatewayUrl}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
      this.calls.push({ at, ms: Date.now() - at, status });
      if (status === 200) {
        this.accepted.push(...batch);
        return;
      }
      if (this.abandoned) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
