import type { SqlExecutor } from '@tessera/kafka';
import type { NamingConvention } from './naming-convention';
import type { PlannedEvent, TrackingPlan, TrackingPlanBody, TrackingPlanMode } from './tracking-plan';

export interface PlanRow {
  source_id: string;
  version: number;
  mode: TrackingPlanMode;
  naming_convention: NamingConvention | null;
  allow_unplanned_events: boolean;
  events: PlannedEvent[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'source_id, version, mode, naming_convention, allow_unplanned_events, events, created_at, updated_at';

/** Tracking plans in validation's schema: one row per source, version bumped on every write. */
export class TrackingPlanRepository {
  async list(db: SqlExecutor): Promise<TrackingPlan[]> {
    const { rows } = await db.query<PlanRow>(`SELECT ${COLUMNS} FROM tracking_plans ORDER BY source_id`);
    return rows.map(toPlan);
  }

  async get(db: SqlExecutor, sourceId: string): Promise<TrackingPlan | undefined> {
    const { rows } = await db.query<PlanRow>(`SELECT ${COLUMNS} FROM tracking_plans WHERE source_id = $1`, [sourceId]);
    return rows[0] ? toPlan(rows[0]) : undefined;
  }

  /** Creates or replaces the plan; returns it with its new version. */
  async upsert(db: SqlExecutor, sourceId: string, body: TrackingPlanBody): Promise<TrackingPlan> {
    const { rows } = await db.query<PlanRow>(
      `INSERT INTO tracking_plans (source_id, version, mode, naming_convention, allow_unplanned_events, events)
       VALUES ($1, 1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (source_id) DO UPDATE SET
         version = tracking_plans.version + 1, mode = EXCLUDED.mode, naming_convention = EXCLUDED.naming_convention,
         allow_unplanned_events = EXCLUDED.allow_unplanned_events, events = EXCLUDED.events, updated_at = now()
       RETURNING ${COLUMNS}`,
      [sourceId, body.mode, body.namingConvention ?? null, body.allowUnplannedEvents ?? false, JSON.stringify(body.events)],
    );
    return toPlan(rows[0]);
  }

  async delete(db: SqlExecutor, sourceId: string): Promise<boolean> {
    const { rowCount } = await db.query('DELETE FROM tracking_plans WHERE source_id = $1', [sourceId]);
    return (rowCount ?? 0) > 0;
  }
}

export function toPlan(row: PlanRow): TrackingPlan {
  return {
    sourceId: row.source_id,
    version: row.version,
    mode: row.mode,
    namingConvention: row.naming_convention,
    allowUnplannedEvents: row.allow_unplanned_events,
    events: row.events,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
