import type { Pool } from 'pg';

export interface Gap {
  ms: number;
  /** The last increase before the gap and the first after it (epoch ms). */
  from: number;
  to: number;
}

/**
 * Polls a counter (e.g. events the merger has counted) every `intervalMs` and keeps the instants it grew, so a
 * test can tell how long the output stood still around a fault. It reads Postgres, not Kafka, so the broker
 * failing over does not blind it.
 */
export class ProgressSampler {
  private readonly increases: number[] = [];
  private last = -1;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly read: () => Promise<number>,
    private readonly intervalMs = 100,
  ) {}

  get value(): number {
    return Math.max(0, this.last);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.sample());
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** The longest time without growth that overlaps [from, to] (an unfinished gap ends at `to`). */
  longestGap(from: number, to: number): Gap {
    const points = [...this.increases.filter((t) => t <= to), to];
    let best: Gap = { ms: 0, from, to: from };
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]];
      if (b >= from && b - a > best.ms) best = { ms: b - a, from: a, to: b };
    }
    return best;
  }

  private async sample(): Promise<void> {
    const value = await this.read().catch(() => this.last);
    if (value > this.last) {
      if (this.last >= 0) this.increases.push(Date.now());
      this.last = value;
    }
  }
}

/**
 * One sampler per partition of a group's topic, reading the offsets the service committed in its own schema
 * (kafka_consumer_offsets, written in the same transaction as its state): a partition whose owner died stands
 * still until the group hands it to a survivor, however busy the other partitions are.
 */
export function partitionSamplers(pool: Pool, groupId: string, topic: string, partitions: number): ProgressSampler[] {
  return Array.from(
    { length: partitions },
    (_, partition) =>
      new ProgressSampler(async () => {
        const { rows } = await pool.query<{ next_offset: string }>(
          'SELECT next_offset FROM kafka_consumer_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3',
          [groupId, topic, partition],
        );
        return rows.length === 0 ? 0 : Number(rows[0].next_offset);
      }, 200),
  );
}

/** `<user id>/<event name>` -> how many of those events the merger counted on the user's profile. */
export async function mergerEventCounts(merger: Pool, eventNames: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await merger.query<{ user_id: string; event_name: string; n: string }>(
    `SELECT i.id_value AS user_id, c.event_name, c.event_count AS n
       FROM profile_event_counts c JOIN profile_identifiers i ON i.profile_id = c.profile_id AND i.id_type = 'user_id'
      WHERE c.event_name = ANY($1::text[])`,
    [eventNames],
  );
  return new Map(rows.map((row) => [`${row.user_id}/${row.event_name}`, Number(row.n)]));
}

/** The events of these names the merger has counted, over all profiles. */
export async function mergerEventTotal(merger: Pool, eventNames: readonly string[]): Promise<number> {
  const { rows } = await merger.query<{ n: string }>(
    'SELECT coalesce(sum(event_count), 0) AS n FROM profile_event_counts WHERE event_name = ANY($1::text[])',
    [eventNames],
  );
  return Number(rows[0].n);
}
