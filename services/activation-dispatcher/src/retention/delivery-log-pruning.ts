import type { SqlExecutor } from '@tessera/kafka';
import { deleteInBatches } from '@tessera/service-kit';
import type { RetentionSettings } from './retention-settings';

export interface PrunedDeliveryLog {
  deliveries: number;
  attempts: number;
}

/**
 * Deletes finished deliveries past their retention, with their attempts, `batchSize` rows a statement. Pending rows
 * never go. A delivered, failed or dead row goes only once a later delivered or failed row of the same (destination,
 * sync, profile) exists: those two statuses never change again, so the latest such row always stays, and with it
 * the mirror's "last sent delivery ended failed or dead" answer (mirror.service.ts, lastSent), which only the latest
 * non-suppressed row decides. Suppressed rows count for no reader's decision and go once old. Rows another
 * transaction holds (a DLQ replay) are skipped, so the pass never waits on them nor they on it for long.
 */
export async function pruneDeliveryLog(
  db: SqlExecutor,
  { deliveryRetentionMs, dlqRetentionMs }: Pick<RetentionSettings, 'deliveryRetentionMs' | 'dlqRetentionMs'>,
  batchSize = 1_000,
): Promise<PrunedDeliveryLog> {
  let attempts = 0;
  const deliveries = await deleteInBatches(async (limit) => {
    const { rows } = await db.query<PrunedDeliveryLog>(
      `WITH doomed AS (
         SELECT d.delivery_id FROM deliveries d
          WHERE d.status IN ('delivered', 'failed', 'suppressed', 'dead')
            AND d.finished_at < now() - make_interval(secs => (CASE WHEN d.status = 'dead' THEN $2 ELSE $1 END)::double precision / 1000)
            AND (d.status = 'suppressed'
                 OR EXISTS (SELECT 1 FROM deliveries l
                             WHERE l.profile_id = d.profile_id AND l.destination_id = d.destination_id AND l.sync_id = d.sync_id
                               AND l.seq > d.seq AND l.status IN ('delivered', 'failed')))
          LIMIT $3
          FOR UPDATE OF d SKIP LOCKED
       ), attempts AS (
         DELETE FROM delivery_attempts a USING doomed x WHERE a.delivery_id = x.delivery_id RETURNING 1
       ), gone AS (
         DELETE FROM deliveries d USING doomed x WHERE d.delivery_id = x.delivery_id RETURNING 1
       )
       SELECT (SELECT count(*) FROM gone)::int AS deliveries, (SELECT count(*) FROM attempts)::int AS attempts`,
      [deliveryRetentionMs, dlqRetentionMs, limit],
    );
    attempts += rows[0].attempts;
    return rows[0].deliveries;
  }, batchSize);
  return { deliveries, attempts };
}
