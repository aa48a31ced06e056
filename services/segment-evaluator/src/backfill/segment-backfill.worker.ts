import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, lockWriterLane, writeOutbox, type SqlExecutor } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import { evaluateProfiles, type EvaluationRequest } from '../evaluation/profile-evaluation';
import { lockProfiles, type ProfileRow } from '../evaluation/profile-store';
import { SegmentCatalog } from '../evaluation/segment-catalog';
import type { MembershipFlip } from '../evaluation/membership-decider';
import { backfillTargetOf, type BackfillTarget } from './backfill-queue';

/**
 * Computes a new or edited definition over every existing profile, a page of profiles (by id) per transaction,
 * with its progress (done / total) in segment_backfills. A segment's backfill decides that segment; a computed
 * trait's recomputes the profile's computed values, so a changed value is announced on cdp.profiles.computed and
 * re-decides the segments reading it, and an unchanged one announces nothing. Each profile is decided against its
 * stored membership and values under its row lock, like any other trigger: a member who still matches gets no
 * second enter. Pages commit with their messages (outbox) and the cursor, so a crash resumes at the page, and a
 * page done twice finds nothing left to change.
 */
@Injectable()
export class SegmentBackfillWorker {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings,
  ) {}

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
      const { segment_id: jobId, version, cursor_profile_id: cursor } = job.rows[0];
      const target = backfillTargetOf(jobId);
      const ids = await tx.query<{ profile_id: string }>(
        "SELECT profile_id FROM profiles WHERE status = 'active' AND ($1::text IS NULL OR profile_id > $1) ORDER BY profile_id LIMIT $2",
        [cursor, this.settings.backfillPageSize],
      );
      const profiles = await lockProfiles(
        tx,
        ids.rows.map((r) => r.profile_id),
      );
      // the definitions are read once the profiles are locked: a segment deleted (or edited) while this page waited
      // for a lock the delete held is seen as such, never decided from a copy read before
      const catalog = await SegmentCatalog.load(tx, this.settings);
      if ((await liveVersion(tx, catalog, target)) !== version) {
        await tx.query("UPDATE segment_backfills SET state = 'superseded', finished_at = now() WHERE segment_id = $1 AND version = $2", [
          jobId,
          version,
        ]);
        return [];
      }
      if (ids.rowCount === 0) {
        await tx.query("UPDATE segment_backfills SET state = 'done', finished_at = now() WHERE segment_id = $1 AND version = $2", [
          jobId,
          version,
        ]);
        return [];
      }
      const at = now();
      const active = [...profiles.values()].filter((p) => p.status === 'active');
      const outcome = await evaluateProfiles(
        tx,
        catalog,
        active.map((profile) => request(target, profile, at)),
      );
      await writeOutbox(tx, await lockWriterLane(tx, 'backfill'), outcome.messages);
      await tx.query(
        `UPDATE segment_backfills SET state = 'running', cursor_profile_id = $3, done = done + $4, total = greatest(total, done + $4)
          WHERE segment_id = $1 AND version = $2`,
        [jobId, version, ids.rows[ids.rows.length - 1].profile_id, ids.rowCount],
      );
      return outcome.flips;
    });
  }
}

/** The definition's live version; undefined once deleted (its backfill is then superseded, if not already cancelled). */
async function liveVersion(tx: SqlExecutor, catalog: SegmentCatalog, target: BackfillTarget): Promise<number | undefined> {
  if (target.kind === 'segment') return catalog.segments.get(target.segmentId)?.version;
  const { rows } = await tx.query<{ version: number }>(
    'SELECT version FROM computed_trait_definitions WHERE trait_key = $1 AND deleted_at IS NULL',
    [target.key],
  );
  return rows[0]?.version;
}

/**
 * A computed trait's page recomputes every value of the profile ('all': exact, and a value that did not change
 * is not announced) and decides no segment unless a value it reads changed.
 */
function request(target: BackfillTarget, profile: ProfileRow, at: number): EvaluationRequest {
  return target.kind === 'segment'
    ? { profile, scope: new Set([target.segmentId]), at }
    : { profile, scope: new Set(), at, computed: 'all' };
}
