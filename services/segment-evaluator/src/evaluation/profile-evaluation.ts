import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { decideProfile, type MembershipFlip } from './membership-decider';
import { writeDecisions, type DecidedProfile } from './membership-writer';
import { loadEventHistories, loadMemberships, loadTimers, type ProfileRow } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

export interface EvaluationRequest {
  profile: ProfileRow;
  scope: ReadonlySet<string> | 'all';
  /** The instant to decide at: now for an input, the due time for a timer. */
  at: number;
}

/**
 * Decides and writes a set of already-locked profiles (see lockProfiles) and returns their membership messages.
 * The one path every trigger shares: a profile change, an event, a due timer, a backfill page.
 */
export interface EvaluationOutcome {
  messages: OutboxEntry[];
  flips: MembershipFlip[];
}

export async function evaluateProfiles(tx: SqlExecutor, catalog: SegmentCatalog, requests: readonly EvaluationRequest[]): Promise<EvaluationOutcome> {
  const work = requests.filter((r) => r.profile.status === 'merged' || r.scope === 'all' || r.scope.size > 0);
  if (work.length === 0) return { messages: [], flips: [] };
  const ids = work.map((r) => r.profile.profileId);
  const histories = await loadEventHistories(tx, ids);
  const memberships = await loadMemberships(tx, ids);
  const timers = await loadTimers(tx, ids);
  const decided: DecidedProfile[] = work.map((r) => ({
    profile: r.profile,
    at: r.at,
    storedTimers: timers.get(r.profile.profileId),
    decision: decideProfile(catalog, r.profile, histories.get(r.profile.profileId) ?? new Map(), memberships.get(r.profile.profileId) ?? new Map(), r.scope, r.at),
  }));
  return { messages: await writeDecisions(tx, decided), flips: decided.flatMap((d) => d.decision.flips) };
}
