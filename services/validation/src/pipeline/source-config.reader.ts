import type { SqlExecutor } from '@tessera/kafka';
import type { SourceSettings } from '../source-settings/source-settings';
import { toSettings, type SettingsRow } from '../source-settings/source-settings.repository';
import type { TrackingPlan } from '../tracking-plans/tracking-plan';
import { toPlan, type PlanRow } from '../tracking-plans/tracking-plan.repository';

/** One row per source asked for; a side's columns are null when that source has no plan or no settings. */
type SourceConfigRow = { source_id: string; has_plan: boolean; has_settings: boolean } & Omit<PlanRow, 'source_id' | 'updated_at'> &
  Omit<SettingsRow, 'source_id' | 'updated_at'> & { plan_updated_at: Date; settings_updated_at: Date };

export interface SourceConfig {
  plans: Map<string, TrackingPlan>;
  settings: Map<string, SourceSettings>;
}

/**
 * The tracking plans and normalization settings of a slice's sources, read inside the slice's transaction (so a
 * change applies atomically) in one statement: every slice reads both, and a round trip per statement is the
 * larger part of what each costs.
 */
export async function readSourceConfig(db: SqlExecutor, sourceIds: readonly string[]): Promise<SourceConfig> {
  const config: SourceConfig = { plans: new Map(), settings: new Map() };
  if (sourceIds.length === 0) return config;
  const { rows } = await db.query<SourceConfigRow>(
    `SELECT s.source_id,
            p.source_id IS NOT NULL AS has_plan, p.version, p.mode, p.naming_convention, p.allow_unplanned_events,
            p.events, p.created_at, p.updated_at AS plan_updated_at,
            t.source_id IS NOT NULL AS has_settings, t.default_region, t.test_rules, t.order_events, t.default_currency,
            t.updated_at AS settings_updated_at
       FROM unnest($1::text[]) AS s(source_id)
       LEFT JOIN tracking_plans p ON p.source_id = s.source_id
       LEFT JOIN source_settings t ON t.source_id = s.source_id`,
    [sourceIds],
  );
  for (const row of rows) {
    if (row.has_plan) config.plans.set(row.source_id, toPlan({ ...row, updated_at: row.plan_updated_at }));
    if (row.has_settings) config.settings.set(row.source_id, toSettings({ ...row, updated_at: row.settings_updated_at }));
  }
  return config;
}
