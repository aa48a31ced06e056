import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { decideProfile, type MembershipFlip } from './membership-decider';
import { writeDecisions, type DecidedProfile } from './membership-writer';
import { loadEventHistories, loadMemberships, loadTimers, type ProfileRow } from './profile-store';
import { ruleReferences } from '../rules';
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
  const segments = relevantSegments(catalog, work);
  const histories = await loadEventHistories(tx, ids, segments === null ? undefined : eventNamesOf(catalog, segments));
  const memberships = await loadMemberships(tx, ids, segments);
  const timers = await loadTimers(tx, ids, segments);
  const decided: DecidedProfile[] = work.map((r) => ({
    profile: r.profile,
    at: r.at,
    storedTimers: timers.get(r.profile.profileId),
    decision: decideProfile(catalog, r.profile, histories.get(r.profile.profileId) ?? new Map(), memberships.get(r.profile.profileId) ?? new Map(), r.scope, r.at),
  }));
  return { messages: await writeDecisions(tx, decided), flips: decided.flatMap((d) => d.decision.flips) };
}

/**
 * The segments whose stored memberships and timers these decisions read: those decided (scope and dependents) and
 * those they reference; null (all of them) when a profile is decided in full or absorbed. Reading only these keeps a
 * change that touches two segments from reading the rows of a hundred.
 */
function relevantSegments(catalog: SegmentCatalog, requests: readonly EvaluationRequest[]): string[] | null {
  const decided = new Set<string>();
  for (const r of requests) {
    if (r.profile.status === 'merged' || r.scope === 'all') return null;
    for (const id of r.scope) decided.add(id);
  }
  const out = new Set<string>();
  for (const id of catalog.index.withDependents(decided)) {
    out.add(id);
    const segment = catalog.segments.get(id);
    if (segment) for (const ref of ruleReferences(segment.rule).segments) out.add(ref);
  }
  return [...out];
}

/** The event names the given segments' rules read: a change that decides only trait rules reads no history. */
function eventNamesOf(catalog: SegmentCatalog, segments: readonly string[]): string[] {
  const names = new Set<string>();
  for (const id of segments) {
    const segment = catalog.segments.get(id);
    if (segment) for (const name of ruleReferences(segment.rule).events) names.add(name);
  }
  return [...names];
}
