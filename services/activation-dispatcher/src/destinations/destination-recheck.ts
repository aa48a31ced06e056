import type { SqlExecutor } from '@tessera/kafka';
import { enqueueDeliveries } from '../enqueue/enqueue-transaction';
import type { WriteSummary } from '../enqueue/delivery-writer';
import { lockProfiles } from '../projection/profile-store';

/**
 * Re-checks every profile a destination's syncs concern (members of their segments, and whoever was sent an add)
 * after its required consent changed: removes for those no longer allowed, adds for members allowed now.
 * `stamp` (the update's instant) makes the delivery ids of this change.
 */
export async function recheckDestination(tx: SqlExecutor, destinationId: string, stamp: number): Promise<WriteSummary> {
  const { rows } = await tx.query<{ profile_id: string }>(
    `SELECT m.profile_id FROM segment_members m JOIN syncs s ON s.segment_id = m.segment_id AND s.deleted_at IS NULL AND s.enabled WHERE s.destination_id = $1
     UNION
     SELECT p.profile_id FROM sync_members p JOIN syncs s ON s.sync_id = p.sync_id WHERE s.destination_id = $1 AND p.present`,
    [destinationId],
  );
  const profiles = await lockProfiles(
    tx,
    rows.map((r) => r.profile_id),
  );
  const now = Date.now();
  return enqueueDeliveries(tx, { profiles }, (plan) => {
    for (const id of profiles.keys()) plan.reconcile(id, ['destination', stamp], now, destinationId);
  });
}
