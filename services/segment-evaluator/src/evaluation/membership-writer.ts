import { encode, Topics } from '@tessera/contracts';
import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import type { ProfileDecision } from './membership-decider';
import type { ProfileRow } from './profile-store';
import { arrayLiteral } from '@tessera/persistence';

export interface DecidedProfile {
  profile: ProfileRow;
  decision: ProfileDecision;
  /** The instant decided: the message time of each flip. */
  at: number;
}

/**
 * Writes the decisions of a set of profiles in set-based statements (memberships in and out; the due times are the
 * caller's, see due-times.ts) and returns the cdp.segments.membership messages, keyed by profile id, for the caller's outbox, which
 * commits in the same transaction: a flip and its message exist together or not at all.
 * A profile's snapshot (values, identifiers) goes in its first message only, the others say `snapshotOmitted`
 * (contract v3): on a first sight a profile enters ~30 segments, and repeating ~1 KB of values in each message was
 * most of the bytes the outbox, the relay, the broker and the dispatcher carried.
 */
export async function writeDecisions(tx: SqlExecutor, decided: readonly DecidedProfile[]): Promise<OutboxEntry[]> {
  const enter = { segment: [] as string[], profile: [] as string[], version: [] as number[], at: [] as number[], reason: [] as string[] };
  const exit = { segment: [] as string[], profile: [] as string[] };
  const messages: OutboxEntry[] = [];
  for (const { profile, decision, at } of decided) {
    // one key buffer per profile, shared by its messages (the outbox would otherwise encode the id once per message)
    const key = decision.flips.length > 0 ? Buffer.from(profile.profileId) : null;
    decision.flips.forEach((flip, i) => {
      // the profile's snapshot rides on its first message only: the others of this version follow it in its partition
      const snapshot = i === 0;
      if (flip.change === 'entered') {
        enter.segment.push(flip.segmentId);
        enter.profile.push(profile.profileId);
        enter.version.push(flip.segmentVersion);
        enter.at.push(at);
        enter.reason.push(flip.reason);
      } else {
        exit.segment.push(flip.segmentId);
        exit.profile.push(profile.profileId);
      }
      messages.push({
        topic: Topics.SegmentsMembership,
        message: {
          key,
          value: encode(Topics.SegmentsMembership, {
            segmentId: flip.segmentId,
            profileId: profile.profileId,
            change: flip.change,
            version: profile.version,
            segmentVersion: flip.segmentVersion,
            identifiers: snapshot ? profile.identifiers : [],
            values: snapshot ? profile.valuesJson : null,
            snapshotOmitted: !snapshot,
            isTest: profile.isTest,
            at,
            reason: flip.reason,
          }),
        },
      });
    });
  }
  if (exit.profile.length > 0) {
    await tx.query(
      'DELETE FROM memberships m USING unnest($1::text[], $2::text[]) AS x(segment_id, profile_id) WHERE m.segment_id = x.segment_id AND m.profile_id = x.profile_id',
      [arrayLiteral(exit.segment, 'plain'), arrayLiteral(exit.profile, 'plain')],
    );
  }
  if (enter.profile.length > 0) {
    // No ON CONFLICT: an enter is decided against the stored memberships, read under the profile's row lock that
    // every writer of its memberships holds, so the row cannot exist; if it did, a bug would have sent a second
    // enter, and failing the slice (bisected to the DLQ with the error) says so where DO NOTHING hid it. A
    // speculative insertion (ON CONFLICT) also cost ~35 % more per row, on the statement that was half of the
    // evaluator's Postgres time on the bench (docs/benchmarks.md).
    await tx.query(
      `INSERT INTO memberships (segment_id, profile_id, segment_version, entered_at_ms, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[])`,
      [enter.segment, enter.profile, enter.version, enter.at, enter.reason].map((column) => arrayLiteral(column, 'plain')),
    );
  }
  return messages;
}
