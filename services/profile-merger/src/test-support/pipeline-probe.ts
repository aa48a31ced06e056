import type { Pool } from 'pg';

export interface StoredProfile {
  status: string;
  itemCount: number;
  orderCount: number;
}

/**
 * Read-only queries a resolver + merger pipeline test makes against both services' schemas (a test may read
 * every schema; the services never do). Queries before a service's migrations ran answer 0.
 */
export class PipelineProbe {
  constructor(
    private readonly resolver: Pool,
    private readonly merger: Pool,
  ) {}

  /** Items the resolver has committed (one row per resolved message). */
  resolvedItems(): Promise<number> {
    return this.count(this.resolver, 'SELECT count(*) AS n FROM resolved_items');
  }

  /** Merges the resolver has logged. */
  resolverMerges(): Promise<number> {
    return this.count(this.resolver, "SELECT count(*) AS n FROM merge_log WHERE kind = 'merge'");
  }

  /** Outgoing messages the resolver committed but its relay has not published yet. */
  resolverOutboxBacklog(): Promise<number> {
    return this.count(this.resolver, 'SELECT coalesce(sum(message_count), 0) AS n FROM kafka_outbox_batches');
  }

  /** Items the merger has folded into profiles. */
  mergerItems(): Promise<number> {
    return this.count(this.merger, 'SELECT COALESCE(sum(item_count), 0) AS n FROM profiles');
  }

  /** Identity changes (merges) the merger has applied. */
  mergerChanges(): Promise<number> {
    return this.count(this.merger, 'SELECT count(*) AS n FROM identity_changes_applied');
  }

  /** Rows of the merger's item log (one per item and profile). */
  mergerLoggedItems(): Promise<number> {
    return this.count(this.merger, 'SELECT count(*) AS n FROM profile_items');
  }

  /** `type:value` -> the merger profile that holds the identifier. */
  async mergerIdentifiers(): Promise<Map<string, string>> {
    const { rows } = await this.merger.query<{ id_type: string; id_value: string; profile_id: string }>(
      'SELECT id_type, id_value, profile_id FROM profile_identifiers',
    );
    return new Map(rows.map((row) => [`${row.id_type}:${row.id_value}`, row.profile_id]));
  }

  /** profile id -> event name -> count, for every row the merger holds. */
  async mergerEventCounts(): Promise<Map<string, Map<string, number>>> {
    const { rows } = await this.merger.query<{ profile_id: string; event_name: string; event_count: string }>(
      'SELECT profile_id, event_name, event_count FROM profile_event_counts',
    );
    const counts = new Map<string, Map<string, number>>();
    for (const row of rows) {
      const names = counts.get(row.profile_id) ?? new Map<string, number>();
      names.set(row.event_name, Number(row.event_count));
      counts.set(row.profile_id, names);
    }
    return counts;
  }

  async mergerProfiles(): Promise<Map<string, StoredProfile>> {
    const { rows } = await this.merger.query<{ profile_id: string; status: string; item_count: string; order_count: string }>(
      `SELECT profile_id, status, item_count, (SELECT count(*) FROM profile_orders o WHERE o.profile_id = p.profile_id AND o.kind = 'order') AS order_count FROM profiles p`,
    );
    return new Map(
      rows.map((row) => [row.profile_id, { status: row.status, itemCount: Number(row.item_count), orderCount: Number(row.order_count) }]),
    );
  }

  private async count(pool: Pool, sql: string): Promise<number> {
    try {
      return Number((await pool.query<{ n: string }>(sql)).rows[0].n);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return 0; // undefined_table: migrations not run yet
      throw error;
    }
  }
}
