import { encode, Topics } from '@tessera/contracts';
import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import type { ProfileDecision } from './membership-decider';
import type { ProfileRow } from './profile-store';

export interface DecidedProfile {
  profile: ProfileRow;
  decision: ProfileDecision;
  /** The instant decided: the message time of each flip. */
  at: number;
  /** The profile's stored timers (segment id -> due ms), when known: only timers that moved are written. */
  storedTimers?: ReadonlyMap<string, number>;
}

/**
 * Writes the decisions of a set of profiles in set-based statements (memberships in and out, timers set and
 * cleared) and returns the cdp.segments.membership messages, keyed by profile id, for the caller's outbox, which
 * commits in the same transaction: a flip and its message exist together or not at all.
 */
export async function writeDecisions(tx: SqlExecutor, decided: readonly DecidedProfile[]): Promise<OutboxEntry[]> {
  const enter = { segment: [] as string[], profile: [] as string[], version: [] as number[], at: [] as number[], reason: [] as string[] };
  const exit = { segment: [] as string[], profile: [] as string[] };
  const setTimer = { profile: [] as string[], segment: [] as string[], due: [] as number[] };
  const clearTimer = { profile: [] as string[], segment: [] as string[] };
  const absorbed: string[] = [];
  const messages: OutboxEntry[] = [];
  for (const { profile, decision, at, storedTimers } of decided) {
    if (decision.absorbed) absorbed.push(profile.profileId);
    const values = decision.flips.length > 0 ? JSON.stringify(profile.values) : '';
    for (const flip of decision.flips) {
      if (flip.change === 'entered') {
        enter.segment.push(flip.segmentId); enter.profile.push(profile.profileId); enter.version.push(flip.segmentVersion); enter.at.push(at); enter.reason.push(flip.reason);
      } else {
        exit.segment.push(flip.segmentId); exit.profile.push(profile.profileId);
      }
      messages.push({
        topic: Topics.SegmentsMembership,
        message: {
          key: profile.profileId,
          value: encode(Topics.SegmentsMembership, {
            segmentId: flip.segmentId, profileId: profile.profileId, change: flip.change, version: profile.version, segmentVersion: flip.segmentVersion,
            identifiers: profile.identifiers, values, isTest: profile.isTest, at, reason: flip.reason,
          }),
        },
      });
    }
    for (const timer of decision.timers) {
      // most decisions leave a timer where it was (or absent): no write for those
      if (storedTimers && (storedTimers.get(timer.segmentId) ?? null) === timer.dueAt) continue;
      const target = timer.dueAt === null ? clearTimer : setTimer;
      target.profile.push(profile.profileId); target.segment.push(timer.segmentId);
      if (timer.dueAt !== null) setTimer.due.push(timer.dueAt);
    }
  }
  if (exit.profile.length > 0) {
    await tx.query('DELETE FROM memberships m USING unnest($1::text[], $2::text[]) AS x(segment_id, profile_id) WHERE m.segment_id = x.segment_id AND m.profile_id = x.profile_id', [exit.segment, exit.profile]);
  }
  if (enter.profile.length > 0) {
    await tx.query(
      `INSERT INTO memberships (segment_id, profile_id, segment_version, entered_at_ms, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])
       ON CONFLICT (segment_id, profile_id) DO NOTHING`,
      [enter.segment, enter.profile, enter.version, enter.at, enter.reason],
    );
  }
  if (absorbed.length > 0) await tx.query('DELETE FROM due_timers WHERE profile_id = ANY($1::text[])', [absorbed]);
  if (clearTimer.profile.length > 0) {
    await tx.query('DELETE FROM due_timers t USING unnest($1::text[], $2::text[]) AS x(profile_id, segment_id) WHERE t.profile_id = x.profile_id AND t.segment_id = x.segment_id', [clearTimer.profile, clearTimer.segment]);
  }
  if (setTimer.profile.length > 0) {
    await tx.query(
      `INSERT INTO due_timers (profile_id, segment_id, due_at_ms) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (profile_id, segment_id) DO UPDATE SET due_at_ms = EXCLUDED.due_at_ms`,
      [setTimer.profile, setTimer.segment, setTimer.due],
    );
  }
  return messages;
}
