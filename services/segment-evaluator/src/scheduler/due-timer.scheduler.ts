import { Inject, Injectable } from '@nestjs/common';
import { inTransaction, lockWriterLane, writeOutbox } from '@tessera/kafka';
import { SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { fireOverdue } from '../evaluation/overdue-profiles';
import { lockProfiles } from '../evaluation/profile-store';
import { SegmentCatalogCache } from '../evaluation/segment-catalog.cache';
import type { MembershipFlip } from '../evaluation/membership-decider';

const PROFILES_PER_ROUND = 500;

/**
 * Fires the stored due times (one per profile: the earliest instant any of its decisions or computed values could
 * change with no new input). Each round is one transaction: lock the profiles whose due time has come (the lock
 * returns the due time as committed last: a consumer may have re-decided the profile meanwhile), decide each one in
 * full at its due instant, and write the memberships, the new due time and the messages (outbox) together. A crash
 * before COMMIT leaves the due time in place, so it fires again; after COMMIT it has moved past, so it never fires
 * twice. No profile is ever rescanned: only due times that have come are read (partial index on due_at_ms).
 */
@Injectable()
export class DueTimerScheduler {
  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly catalogs: SegmentCatalogCache,
  ) {}

  /** Fires every due time at or before `now`, in due order; resolves to the flips it caused. */
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
        'SELECT profile_id FROM profiles WHERE due_at_ms <= $1 ORDER BY due_at_ms LIMIT $2',
        [now, PROFILES_PER_ROUND],
      );
      if (candidates.rowCount === 0) return null;
      const profiles = await lockProfiles(
        tx,
        candidates.rows.map((r) => r.profile_id),
      );
      const catalog = await this.catalogs.load(tx);
      const outcome = await fireOverdue(tx, catalog, profiles, now);
      await writeOutbox(tx, await lockWriterLane(tx, 'due-timers'), outcome.messages);
      return outcome.flips;
    });
  }
}
