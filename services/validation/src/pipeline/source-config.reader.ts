import type { SqlExecutor } from '@tessera/kafka';
import type { SourceSettings } from '../source-settings/source-settings';
import { toSettings, type SettingsRow } from '../source-settings/source-settings.repository';
import type { TrackingPlan } from '../tracking-plans/tracking-plan';
import { toPlan, type PlanRow } from '../tracking-plans/tracking-plan.repository';

/** A plan row (kind 'plan') or a settings row (kind 'settings'); the other side's columns are null. */
type SourceConfigRow = { kind: 'plan' | 'settings' } & PlanRow & Omit<SettingsRow, 'source_id' | 'updated_at'>;

export interface SourceConfig {
  plans: Map<string, TrackingPlan>;
  settings: Map<string, SourceSettings>;
}

/**
 * The tracking plans and normalization settings of a slice's sources, read inside the slice's transaction (so a
 * change applies atomically) in one statement: every slice reads both, and each round trip costs the consumer and
 * Postgres more than the reads themselves. Two index probes under UNION ALL: a join of the two tables over the ids
 * cost Postgres more than the two statements it replaced.
 */
export async function readSourceConfig(db: SqlExecutor, sourceIds: readonly string[]): Promise<SourceConfig> {
  const config: SourceConfig = { plans: new Map(), settings: new Map() };
  if (sourceIds.length === 0) return config;
  const { rows } = await db.query<SourceConfigRow>(
    `SELECT 'plan' AS kind, source_id, version, mode, naming_convention, allow_unplanned_events, events, created_at,
            updated_at, NULL::text AS default_region, NULL::jsonb AS test_rules, NULL::jsonb AS order_events,
            NULL::text AS default_currency
       FROM tracking_plans WHERE source_id = ANY($1::text[])
     UNION ALL
     SELECT 'settings', source_id, NULL, NULL, NULL, NULL, NULL, NULL, updated_at, default_region, test_rules,
            order_events, default_currency
       FROM source_settings WHERE source_id = ANY($1::text[])`,
    [sourceIds],
  );
  for (const row of rows) {
    if (row.kind === 'plan') config.plans.set(row.source_id, toPlan(row));
    else config.settings.set(row.source_id, toSettings(row));
  }
  return config;
}
