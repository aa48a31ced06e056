import { CHILD_SERVICE_TOKENS } from '@tessera/testing';
import { IngestLoad, type IngestCall } from '../outage-harness';

export interface SteadyLoadOptions {
  /** Concurrent senders (each its own event name), so one slow call does not stop the whole load. */
  streams: number;
  users: number;
  batchSize: number;
  intervalMs: number;
  userPrefix: string;
}

/**
 * Several IngestLoads side by side: each a Segment SDK sending `track` batches to the gateway and retrying a
 * call until it is answered 200 (same messageIds). Knows what was accepted per user and event name.
 */
export class SteadyLoad {
  readonly eventNames: string[];
  private readonly loads: IngestLoad[];

  constructor(
    gatewayUrl: string,
    writeKey: string,
    private readonly options: SteadyLoadOptions,
  ) {
    this.eventNames = Array.from({ length: options.streams }, (_, i) => `${options.userPrefix} stream ${i + 1}`);
    this.loads = this.eventNames.map(
      (name) =>
        new IngestLoad(gatewayUrl, writeKey, name, {
          users: options.users,
          batchSize: options.batchSize,
          intervalMs: options.intervalMs,
          userPrefix: options.userPrefix,
        }),
    );
  }

  start(): void {
    this.loads.forEach((load) => load.start());
  }

  async stop(options?: { abandon?: boolean }): Promise<void> {
    await Promise.all(this.loads.map((load) => load.stop(options)));
  }

  get accepted(): number {
    return this.loads.reduce((sum, load) => sum + load.accepted.length, 0);
  }

  /** `<user id>/<event name>` -> events the gateway accepted (answered 200). */
  expectedCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    this.loads.forEach((load, i) => {
      for (const e of load.accepted)
        counts.set(`${e.userId}/${this.eventNames[i]}`, (counts.get(`${e.userId}/${this.eventNames[i]}`) ?? 0) + 1);
    });
    return counts;
  }

  get calls(): IngestCall[] {
    return this.loads.flatMap((load) => load.calls).sort((a, b) => a.at - b.at);
  }

  users(): string[] {
    return Array.from({ length: this.options.users }, (_, i) => `${this.options.userPrefix}-${i}`);
  }
}

export interface CallStats {
  calls: number;
  /** status -> calls answered with it (0: no answer within the client's 15 s). */
  statuses: Record<number, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The gateway's answers to the calls sent within [from, to]. */
export function callStats(calls: readonly IngestCall[], from: number, to: number): CallStats {
  const inWindow = calls.filter((c) => c.at >= from && c.at <= to);
  const ms = inWindow.map((c) => c.ms).sort((a, b) => a - b);
  const at = (q: number) => (ms.length === 0 ? 0 : ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]);
  const statuses: Record<number, number> = {};
  for (const c of inWindow) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
  return { calls: inWindow.length, statuses, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ms.at(-1) ?? 0 };
}

/**
 * What the merger's public API answers for each user (`GET /v1/profiles?identifier=user_id:<id>`, read token)
 * against what the gateway accepted; a description of every difference.
 */
export async function apiMismatches(
  mergerUrl: string,
  users: readonly string[],
  eventNames: readonly string[],
  expected: Map<string, number>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const user of users) {
    const res = await fetch(`${mergerUrl}/v1/profiles?identifier=${encodeURIComponent(`user_id:${user}`)}`, {
      headers: { authorization: `Bearer ${CHILD_SERVICE_TOKENS.read}` },
    });
    const profile = (await res.json()) as { summary?: { eventCounts: Record<string, { count: number }> } };
    const actual = Object.fromEntries(eventNames.map((name) => [name, profile.summary?.eventCounts[name]?.count ?? 0]));
    const wanted = Object.fromEntries(eventNames.map((name) => [name, expected.get(`${user}/${name}`) ?? 0]));
    if (res.status !== 200 || JSON.stringify(actual) !== JSON.stringify(wanted))
      problems.push(`${user}: API ${res.status} ${JSON.stringify(actual)}, accepted ${JSON.stringify(wanted)}`);
  }
  return problems;
}
