import type { SqlExecutor } from '@tessera/kafka';
import { evaluateProfiles, type EvaluationOutcome, type EvaluationRequest } from './profile-evaluation';
import type { ProfileRow } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

/** A chain of due times that all passed (a window closing, then the next one) is followed this far per call. */
const MAX_ROUNDS = 16;

/**
 * Decides every locked profile whose due time is at or before `now` in full, at its due instant, round after round
 * while the next due time has passed too; `rows` get their new due times. The scheduler's firing, and what an input
 * does first when it reaches a profile the scheduler has not fired yet: the time-driven change is stamped with the
 * instant it became true, and the input is decided on top of it, after it.
 */
export async function fireOverdue(
  tx: SqlExecutor,
  catalog: SegmentCatalog,
  rows: Map<string, ProfileRow>,
  now: number,
): Promise<EvaluationOutcome> {
  const messages: EvaluationOutcome['messages'] = [];
  const flips: EvaluationOutcome['flips'] = [];
  const stuck = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const requests: EvaluationRequest[] = [];
    for (const profile of rows.values()) {
      if (profile.dueAt === null || profile.dueAt > now || stuck.has(profile.profileId)) continue;
      // an absorbed profile has nothing left to decide: its due time goes with it
      requests.push({ profile, scope: profile.status === 'active' ? 'all' : new Set<string>(), at: profile.dueAt, computed: 'all' });
    }
    if (requests.length === 0) break;
    const outcome = await evaluateProfiles(tx, catalog, requests);
    messages.push(...outcome.messages);
    flips.push(...outcome.flips);
    for (const { profile } of requests) {
      const due = outcome.dues?.has(profile.profileId) ? (outcome.dues.get(profile.profileId) as number | null) : profile.dueAt;
      // a due time that did not move is not fired again in this call
      if (due === profile.dueAt) stuck.add(profile.profileId);
      rows.set(profile.profileId, { ...profile, dueAt: due });
    }
  }
  return { messages, flips };
}

/** Two outcomes of one transaction, in the order they were decided. */
export function combine(first: EvaluationOutcome, second: EvaluationOutcome): EvaluationOutcome {
  return { messages: [...first.messages, ...second.messages], flips: [...first.flips, ...second.flips] };
}
