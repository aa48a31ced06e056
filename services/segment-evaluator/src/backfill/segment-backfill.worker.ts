import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, writeOutbox } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { evaluateProfiles } from '../evaluation/profile-evaluation';
import { lockProfiles } from '../evaluation/profile-store';
import { SegmentCatalog } from '../evaluation/segment-catalog';
import type { MembershipFlip } from '../evaluation/membership-decider';

/**
 * Computes a new or edited segment over every existing profile, a page of profiles (by id) per transaction, with
 * its progress (done / total) in segment_backfills. Each profile is decided against its stored membership under
 * its row lock, like any other trigger: a member who still matches gets no second enter, one who no longer matches
 * the edited rule exits. Pages commit with their messages (outbox) and the cursor, so a crash resumes at the page.
 */
@Injectable()
export class SegmentBackfillWorker {
  constructor(@Inject(SERVICE_PG_POOL) private readonly pool: Pool, @Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings) {}

  /** Runs pages until no backfill is pending; resolves to the flips it caused. */
  async runPending(now: () => number): Promise<MembershipFlip[]> {
    const flips: MembershipFlip[] = [];
    for (;;) {
      const page = await this.page(now);
      if (page === null) return flips;
      flips.push(...page);
    }
  }

  private page(now: () => number): Promise<MembershipFlip[] | null> {
    return inTransaction(this.pool, async (tx) => {
      const job = await tx.query<{ segment_id: string; version: number; cursor_profile_id: string | null }>(
        "SELECT segment_id, version, cursor_profile_id FROM segment_backfills WHERE state IN ('pending', 'running') ORDER BY started_at, segment_id LIMIT 1 FOR UPDATE SKIP LOCKED",
      );
      if (job.rowCount === 0) return null;
      const { segment_id: segmentId, version, cursor_profile_id: cursor } = job.rows[0];
      const catalog = await SegmentCatalog.load(tx, this.settings);
      if (catalog.segments.get(segmentId)?.version !== version) {
        await tx.query("UPDATE segment_backfills SET state = 'superseded', finished_at = now() WHERE segment_id = $1 AND version = $2", [segmentId, version]);
        return [];
      }
      const ids = await tx.query<{ profile_id: string }>(
        "SELECT profile_id FROM profiles WHERE status = 'active' AND ($1::text IS NULL OR profile_id > $1) ORDER BY profile_id LIMIT $2",
        [cursor, this.settings.backfillPageSize],
      );
      if (ids.rowCount === 0) {
        await tx.query("UPDATE segment_backfills SET state = 'done', finished_at = now() WHERE segment_id = $1 AND version = $2", [segmentId, version]);
        return [];
      }
      const profiles = await lockProfiles(tx, ids.rows.map((r) => r.profile_id));
      const at = now();
      const requests = [...profiles.values()].filter((p) => p.status === 'active').map((profile) => ({ profile, scope: new Set([segmentId]), at }));
      const outcome = await evaluateProfiles(tx, catalog, requests);
      await writeOutbox(tx, outcome.messages);
      await tx.query(
        `UPDATE segment_backfills SET state = 'running', cursor_profile_id = $3, done = done + $4, total = greatest(total, done + $4)
          WHERE segment_id = $1 AND version = $2`,
        [segmentId, version, ids.rows[ids.rows.length - 1].profile_id, ids.rowCount],
      );
      return outcome.flips;
    });
  }
}
