import type { SqlExecutor } from '@tessera/kafka';
import { runQuery } from '../database/run-query';
import { buildUnnestInsert } from '@tessera/persistence';
import type { DeliveryPlanner } from './delivery-planner';

export interface WriteSummary {
  pending: number;
  suppressed: number;
  /** Pending adds and upserts turned suppressed because their profile may no longer be sent to. */
  pendingSuppressed: number;
  /** The destinations that got new pending rows: the caller wakes their lanes once its transaction commits. */
  destinations: string[];
}

/**
 * Writes a plan in the caller's transaction, set-based: pending sends that lost their permission become suppressed
 * first (or, while a worker sends them under a live lease, are marked withdrawn: the send finishes, and if it does not
 * deliver the row becomes suppressed then; see withdrawn_reason in activation-schema.migration.ts), then the new
 * deliveries (ON CONFLICT DO NOTHING on the idempotency key, so a replayed input adds nothing), what each sync was
 * last sent (sync_members) and the segment membership projection.
 */
export async function writePlan(tx: SqlExecutor, plan: DeliveryPlanner): Promise<WriteSummary> {
  let pendingSuppressed = 0;
  const blocked = [...plan.suppressPending.values()];
  if (blocked.length > 0) {
    // a row leased to a worker may be on the wire: suppressing it would hide a send that happened and let the remove
    // planned behind it overtake it, so it is marked withdrawn instead (a NULL lease is no lease: CASE takes ELSE).
    // One statement decides per row: if a claim or an outcome commits while it waits for the row's lock, Postgres
    // re-evaluates it on the row as committed.
    const { rows } = await tx.query<{ status: string }>(
      `UPDATE deliveries d
          SET status = CASE WHEN d.lease_until > now() THEN d.status ELSE 'suppressed' END,
              reason = CASE WHEN d.lease_until > now() THEN d.reason ELSE x.reason END,
              withdrawn_reason = CASE WHEN d.lease_until > now() THEN x.reason ELSE d.withdrawn_reason END,
              finished_at = CASE WHEN d.lease_until > now() THEN d.finished_at ELSE now() END,
              updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::text[]) AS x(destination_id, profile_id, reason)
        WHERE d.destination_id = x.destination_id AND d.profile_id = x.profile_id AND d.status = 'pending' AND d.action IN ('add', 'upsert')
        RETURNING d.status`,
      [blocked.map((b) => b.destinationId), blocked.map((b) => b.profileId), blocked.map((b) => b.reason)],
    );
    pendingSuppressed = rows.filter((r) => r.status === 'suppressed').length;
  }
  const deliveries = plan.deliveries;
  let inserted: Array<{ status: string; destination_id: string }> = [];
  if (deliveries.length > 0) {
    const result = await runQuery<{ status: string; destination_id: string }>(
      tx,
      buildUnnestInsert({
        table: 'deliveries',
        columns: [
          { name: 'delivery_id', type: 'text' },
          { name: 'destination_id', type: 'text' },
          { name: 'sync_id', type: 'text' },
          { name: 'profile_id', type: 'text' },
          { name: 'segment_id', type: 'text' },
          { name: 'action', type: 'text' },
          { name: 'payload', type: 'jsonb' },
          { name: 'status', type: 'text' },
          { name: 'reason', type: 'text' },
          { name: 'finished_at', type: 'timestamptz' },
        ],
        rows: deliveries.map((d) => ({
          delivery_id: d.deliveryId,
          destination_id: d.destinationId,
          sync_id: d.syncId,
          profile_id: d.profileId,
          segment_id: d.segmentId,
          action: d.action,
          payload: d.payload,
          status: d.status,
          reason: d.reason,
          finished_at: d.status === 'suppressed' ? new Date() : null,
        })),
        onConflict: { target: ['delivery_id'], action: 'nothing' },
        returning: ['status', 'destination_id'],
      }),
    );
    inserted = result.rows;
  }
  const presence = [...plan.presence.values()];
  const memberships = [...plan.memberships.values()];
  const entered = memberships.filter((m) => m.entered);
  const exited = memberships.filter((m) => !m.entered);
  if (presence.length + memberships.length > 0) {
    // what each sync was sent and the segment membership projection, in one round trip (one row per key in each:
    // the planner keeps the last word per sync and profile, and per segment and profile)
    await tx.query(
      `WITH exited AS (
         DELETE FROM segment_members t USING unnest($4::text[], $5::text[]) AS v(segment_id, profile_id)
          WHERE t.segment_id = v.segment_id AND t.profile_id = v.profile_id),
       entered AS (
         INSERT INTO segment_members (segment_id, profile_id, segment_version, entered_at)
         SELECT * FROM unnest($6::text[], $7::text[], $8::int[], $9::timestamptz[])
         ON CONFLICT (segment_id, profile_id) DO UPDATE SET segment_version = EXCLUDED.segment_version)
       INSERT INTO sync_members (sync_id, profile_id, present)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bool[])
       ON CONFLICT (sync_id, profile_id) DO UPDATE SET present = EXCLUDED.present, updated_at = now()`,
      [
        presence.map((p) => p.syncId),
        presence.map((p) => p.profileId),
        presence.map((p) => p.present),
        exited.map((m) => m.segmentId),
        exited.map((m) => m.profileId),
        entered.map((m) => m.segmentId),
        entered.map((m) => m.profileId),
        entered.map((m) => m.segmentVersion),
        entered.map((m) => new Date(m.at)),
      ],
    );
  }
  return {
    pending: inserted.filter((r) => r.status === 'pending').length,
    suppressed: inserted.filter((r) => r.status === 'suppressed').length,
    pendingSuppressed,
    destinations: [...new Set(inserted.filter((r) => r.status === 'pending').map((r) => r.destination_id))],
  };
}
