import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, writeOutbox } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { evaluateProfiles } from '../evaluation/profile-evaluation';
import { lockProfiles } from '../evaluation/profile-store';
import { COMPUTED_TIMER } from '../evaluation/computed-value-decider';
import { SegmentCatalog } from '../evaluation/segment-catalog';
import { SEGMENT_SETTINGS, type SegmentSettings } from '../config/segment-settings';
import type { MembershipFlip } from '../evaluation/membership-decider';

const PROFILES_PER_ROUND = 500;

/**
 * Fires the stored next-transition times. Each round is one transaction: lock the profiles with a timer due, re-read
 * their timers under the lock (a consumer may have re-decided them meanwhile), decide each profile at its earliest
 * due instant, write memberships, the new timers and the messages (outbox) together. A crash before COMMIT leaves
 * the timer in place, so it fires again; after COMMIT the timer has moved past, so it never fires twice.
 * No profile is ever rescanned: only timers that are due are read (index on due_at_ms).
 */
@Injectable()
export class DueTimerScheduler {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(SEGMENT_SETTINGS) private readonly settings: SegmentSettings,
  ) {}

  /** Fires every timer due at or before `now`, in due order per profile; resolves to the flips it caused. */
  async runDue(now: number): Promise<MembershipFlip[]> {
    const flips: MembershipFlip[] = [];
    for (;;) {
      const round = await this.round(now);
      if (round === null) return flips;
      flips.push(...round);
    }
  }

  private round(now: number): Promise<MembershipFlip[] | null> {
    return inTransaction(this.pool, async (tx) => {
      const candidates = await tx.query<{ profile_id: string }>(
        'SELECT DISTINCT profile_id FROM (SELECT profile_id FROM due_timers WHERE due_at_ms <= $1 ORDER BY due_at_ms LIMIT $2) d',
        [now, PROFILES_PER_ROUND],
      );
      if (candidates.rowCount === 0) return null;
      const profiles = await lockProfiles(tx, candidates.rows.map((r) => r.profile_id));
      const catalog = await SegmentCatalog.load(tx, this.settings);
      const { rows } = await tx.query<{ profile_id: string; segment_id: string; due_at_ms: string }>(
        'SELECT profile_id, segment_id, due_at_ms FROM due_timers WHERE profile_id = ANY($1::text[]) AND due_at_ms <= $2',
        [[...profiles.keys()], now],
      );
      // a timer of a deleted segment has nothing to decide
      const live = (segmentId: string) => segmentId === COMPUTED_TIMER || catalog.segments.has(segmentId);
      const orphans = rows.filter((r) => !live(r.segment_id));
      if (orphans.length > 0) {
        await tx.query('DELETE FROM due_timers t USING unnest($1::text[], $2::text[]) AS x(p, s) WHERE t.profile_id = x.p AND t.segment_id = x.s', [orphans.map((r) => r.profile_id), orphans.map((r) => r.segment_id)]);
      }
      const earliest = new Map<string, { at: number; segments: Set<string> }>();
      for (const r of rows.filter((row) => live(row.segment_id))) {
        const at = Number(r.due_at_ms);
        const seen = earliest.get(r.profile_id);
        if (!seen || at < seen.at) earliest.set(r.profile_id, { at, segments: new Set([r.segment_id]) });
        else if (at === seen.at) seen.segments.add(r.segment_id);
      }
      const requests = [...earliest].flatMap(([id, { at, segments }]) => {
        const profile = profiles.get(id);
        if (!profile) return [];
        // the computed values' timer recomputes them all; the segments that read a changed one follow
        const computed = segments.delete(COMPUTED_TIMER) ? ('all' as const) : undefined;
        return [{ profile, scope: segments, at, computed }];
      });
      const outcome = await evaluateProfiles(tx, catalog, requests);
      await writeOutbox(tx, outcome.messages);
      return outcome.flips;
    });
  }
}
