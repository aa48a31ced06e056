import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { inTransaction, type SqlExecutor } from '@tessera/kafka';
import { invalidBody, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import type { WriteSummary } from '../enqueue/delivery-writer';
import { enqueueDeliveries } from '../enqueue/enqueue-transaction';
import { PROFILE_SUPPRESSION_KIND } from '../enqueue/suppression-index';
import { lockProfiles } from '../projection/profile-store';
import type { SuppressionKey } from './suppression-body';

export interface SuppressionView {
  destinationId: string;
  /** profile_id, or the identifier type. */
  kind: string;
  value: string;
  reason: string | null;
  createdAt: string;
}

type SuppressionRow = { destination_id: string; kind: string; value: string; reason: string | null; created_at: Date };

/**
 * Per-destination suppression lists. Adding an entry re-checks the profiles it names in the same transaction (a
 * remove where one was sent an add, its pending sends suppressed); deleting one re-checks them too (a member gets
 * the add it was refused).
 */
@Injectable()
export class SuppressionRepository {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool) {}

  async add(key: SuppressionKey, reason: string | null): Promise<SuppressionView & { effect: WriteSummary }> {
    return inTransaction(this.pool, async (tx) => {
      const destination = await tx.query('SELECT 1 FROM destinations WHERE destination_id = $1 AND deleted_at IS NULL FOR SHARE', [
        key.destinationId,
      ]);
      if (!destination.rowCount)
        throw invalidBody([{ path: '/destinationId', message: 'no such destination' }], `no destination ${key.destinationId}`);
      const { rows } = await tx.query<SuppressionRow>(
        `INSERT INTO suppressions (destination_id, kind, value, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (destination_id, kind, value) DO UPDATE SET reason = EXCLUDED.reason
         RETURNING destination_id, kind, value, reason, created_at`,
        [key.destinationId, key.kind, key.value, reason],
      );
      const effect = await this.recheck(tx, key, rows[0].created_at.getTime());
      return { ...toView(rows[0]), effect };
    });
  }

  async remove(key: SuppressionKey): Promise<WriteSummary> {
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ created_at: Date }>(
        'DELETE FROM suppressions WHERE destination_id = $1 AND kind = $2 AND value = $3 RETURNING created_at',
        [key.destinationId, key.kind, key.value],
      );
      if (rows.length === 0) throw new NotFoundException('no such suppression');
      return this.recheck(tx, key, -rows[0].created_at.getTime());
    });
  }

  async list(
    destinationId: string | null,
    limit: number,
    after: number,
  ): Promise<{ suppressions: SuppressionView[]; next: number | null }> {
    const { rows } = await this.pool.query<SuppressionRow>(
      `SELECT destination_id, kind, value, reason, created_at FROM suppressions WHERE ($1::text IS NULL OR destination_id = $1)
        ORDER BY destination_id, kind, value OFFSET $2 LIMIT $3`,
      [destinationId, after, limit + 1],
    );
    return { suppressions: rows.slice(0, limit).map(toView), next: rows.length > limit ? after + limit : null };
  }

  /** Re-checks the profiles the entry names at its destination; `stamp` makes the delivery ids of this change. */
  private async recheck(tx: SqlExecutor, key: SuppressionKey, stamp: number): Promise<WriteSummary> {
    const ids = key.kind === PROFILE_SUPPRESSION_KIND ? [key.value] : await this.profilesWith(tx, key.kind, key.value);
    const profiles = await lockProfiles(tx, ids);
    const now = Date.now();
    return enqueueDeliveries(tx, { profiles }, (plan) => {
      for (const id of profiles.keys()) plan.reconcile(id, ['suppression', key.kind, key.value, stamp], now, key.destinationId);
    });
  }

  private async profilesWith(tx: SqlExecutor, type: string, value: string): Promise<string[]> {
    const { rows } = await tx.query<{ profile_id: string }>(
      `SELECT profile_id FROM profiles
        WHERE status = 'active' AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(identifiers -> $1) v WHERE (CASE WHEN $1 = 'email' THEN lower(trim(v)) ELSE v END) = $2)`,
      [type, value],
    );
    return rows.map((r) => r.profile_id);
  }
}

function toView(r: SuppressionRow): SuppressionView {
  return { destinationId: r.destination_id, kind: r.kind, value: r.value, reason: r.reason, createdAt: r.created_at.toISOString() };
}
