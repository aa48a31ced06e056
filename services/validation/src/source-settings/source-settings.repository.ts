import type { SqlExecutor } from '@tessera/kafka';
import type { SourceSettings, SourceSettingsBody, TestTrafficRule } from './source-settings';

/** Named, not `*`: consumers run these reads as prepared statements, and a later column must not change them. */
const SETTINGS_COLUMNS = 'source_id, default_region, test_rules, order_events, default_currency, updated_at';

export interface SettingsRow {
  source_id: string;
  default_region: string | null;
  test_rules: TestTrafficRule[];
  order_events: string[] | null;
  default_currency: string | null;
  updated_at: Date;
}

/** Per-source normalization settings in validation's schema (phone region, test-traffic rules, order events, default currency). */
export class SourceSettingsRepository {
  async list(db: SqlExecutor): Promise<SourceSettings[]> {
    const { rows } = await db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM source_settings ORDER BY source_id`);
    return rows.map(toSettings);
  }

  async get(db: SqlExecutor, sourceId: string): Promise<SourceSettings | undefined> {
    const { rows } = await db.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM source_settings WHERE source_id = $1`, [sourceId]);
    return rows[0] ? toSettings(rows[0]) : undefined;
  }

  async upsert(db: SqlExecutor, sourceId: string, body: SourceSettingsBody): Promise<SourceSettings> {
    const { rows } = await db.query<SettingsRow>(
      `INSERT INTO source_settings (source_id, default_region, test_rules, order_events, default_currency) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)
       ON CONFLICT (source_id) DO UPDATE SET default_region = EXCLUDED.default_region, test_rules = EXCLUDED.test_rules,
         order_events = EXCLUDED.order_events, default_currency = EXCLUDED.default_currency, updated_at = now()
       RETURNING ${SETTINGS_COLUMNS}`,
      [
        sourceId,
        body.defaultRegion ? body.defaultRegion.toUpperCase() : null,
        JSON.stringify(body.testRules ?? []),
        body.orderEvents ? JSON.stringify(body.orderEvents) : null,
        body.defaultCurrency ? body.defaultCurrency.toUpperCase() : null,
      ],
    );
    return toSettings(rows[0]);
  }

  async delete(db: SqlExecutor, sourceId: string): Promise<boolean> {
    const { rowCount } = await db.query('DELETE FROM source_settings WHERE source_id = $1', [sourceId]);
    return (rowCount ?? 0) > 0;
  }
}

export function toSettings(row: SettingsRow): SourceSettings {
  return {
    sourceId: row.source_id,
    defaultRegion: row.default_region,
    testRules: row.test_rules,
    orderEvents: row.order_events,
    defaultCurrency: row.default_currency,
    updatedAt: row.updated_at.toISOString(),
  };
}
