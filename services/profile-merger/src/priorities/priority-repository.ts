import { Inject, Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@tessera/kafka';
import { withPgTransaction, type Pool } from '@tessera/persistence';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { PriorityConfig } from '../survivorship/priority-config';

export interface SourcePrioritySetting {
  sourceId: string;
  /** null: unlisted (999). */
  priority: number | null;
  /** Field -> priority overriding the source priority for that field. */
  fields: Record<string, number>;
}

/**
 * Source and field priorities, in the merger's schema. Changes apply to observations made from then on: stored
 * values keep the priority they were decided with (their provenance), which is what keeps survivorship
 * order-independent.
 */
@Injectable()
export class PriorityRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  /**
   * The configuration of the given sources, read inside the batch transaction: source rows (field null) and field
   * rows in one statement, since every slice reads both.
   */
  async forSources(tx: SqlExecutor, sourceIds: readonly string[]): Promise<PriorityConfig> {
    const { rows } = await tx.query<{ source_id: string; field: string | null; priority: number }>(
      `SELECT source_id, NULL::text AS field, priority FROM source_priorities WHERE source_id = ANY($1::text[])
       UNION ALL
       SELECT source_id, field, priority FROM field_priorities WHERE source_id = ANY($1::text[])`,
      [sourceIds],
    );
    const sources = new Map<string, number>();
    const byField = new Map<string, Map<string, number>>();
    for (const row of rows) {
      if (row.field === null) {
        sources.set(row.source_id, row.priority);
        continue;
      }
      const map = byField.get(row.source_id) ?? new Map<string, number>();
      map.set(row.field, row.priority);
      byField.set(row.source_id, map);
    }
    return { sources, fields: byField };
  }

  async list(): Promise<SourcePrioritySetting[]> {
    const sources = await this.pool.query<{ source_id: string; priority: number }>('SELECT source_id, priority FROM source_priorities');
    const fields = await this.pool.query<{ source_id: string; field: string; priority: number }>(
      'SELECT source_id, field, priority FROM field_priorities ORDER BY field',
    );
    const settings = new Map<string, SourcePrioritySetting>();
    const settingOf = (sourceId: string): SourcePrioritySetting => {
      const existing = settings.get(sourceId) ?? { sourceId, priority: null, fields: {} };
      settings.set(sourceId, existing);
      return existing;
    };
    for (const row of sources.rows) settingOf(row.source_id).priority = row.priority;
    for (const row of fields.rows) settingOf(row.source_id).fields[row.field] = row.priority;
    return [...settings.values()].sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1));
  }

  /** Replaces one source's priority and field priorities. */
  async put(setting: SourcePrioritySetting): Promise<SourcePrioritySetting> {
    await withPgTransaction(this.pool, async (client) => {
      if (setting.priority === null) await client.query('DELETE FROM source_priorities WHERE source_id = $1', [setting.sourceId]);
      else {
        await client.query(
          'INSERT INTO source_priorities (source_id, priority) VALUES ($1, $2) ON CONFLICT (source_id) DO UPDATE SET priority = EXCLUDED.priority, updated_at = now()',
          [setting.sourceId, setting.priority],
        );
      }
      await client.query('DELETE FROM field_priorities WHERE source_id = $1', [setting.sourceId]);
      const entries = Object.entries(setting.fields);
      if (entries.length > 0) {
        await client.query(
          'INSERT INTO field_priorities (source_id, field, priority) SELECT $1, f, p FROM unnest($2::text[], $3::int[]) AS x(f, p)',
          [setting.sourceId, entries.map(([field]) => field), entries.map(([, priority]) => priority)],
        );
      }
    });
    return setting;
  }

  async remove(sourceId: string): Promise<boolean> {
    const a = await this.pool.query('DELETE FROM source_priorities WHERE source_id = $1', [sourceId]);
    const b = await this.pool.query('DELETE FROM field_priorities WHERE source_id = $1', [sourceId]);
    return (a.rowCount ?? 0) + (b.rowCount ?? 0) > 0;
  }
}
