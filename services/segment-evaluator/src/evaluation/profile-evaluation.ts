import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { decideComputedValues, type ComputedTrigger, type StoredComputed } from './computed-value-decider';
import { loadComputedValues, writeComputedValues } from './computed-value-store';
import { decideProfile, type MembershipFlip } from './membership-decider';
import { writeDecisions, type DecidedProfile } from './membership-writer';
import { loadEventHistories, loadMemberships, loadTimers, type ProfileRow } from './profile-store';
import { ruleReferences, type EventHistory } from '../rules';
import type { SegmentCatalog } from './segment-catalog';

export interface EvaluationRequest {
  profile: ProfileRow;
  scope: ReadonlySet<string> | 'all';
  /** The instant to decide at: now for an input, the due time for a timer. */
  at: number;
  /** Recompute the profile's computed values first (absent: they did not change); their changes widen the scope. */
  computed?: ComputedTrigger;
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
  const recompute = (r: EvaluationRequest) => r.computed !== undefined && r.profile.status === 'active';
  const candidates = requests.filter((r) => r.profile.status === 'merged' || r.scope === 'all' || r.scope.size > 0 || recompute(r));
  if (candidates.length === 0) return { messages: [], flips: [] };
  // stored values: those recomputed (to announce only changes) and, when some rule reads them, every decided profile's
  const active = candidates.filter((r) => r.profile.status === 'active' && (catalog.readsComputed || recompute(r))).map((r) => r.profile.profileId);
  const computed = active.length > 0 ? await loadComputedValues(tx, active) : new Map<string, StoredComputed>();
  // computed values read every event (predictions count any activity): load whole histories for those profiles once
  const fullHistoryIds = candidates.filter(recompute).map((r) => r.profile.profileId);
  const fullHistories = fullHistoryIds.length > 0 ? await loadEventHistories(tx, fullHistoryIds) : new Map<string, EventHistory>();
  const computedDecided = candidates.filter(recompute).map((r) => {
    const stored = computed.get(r.profile.profileId);
    const decision = decideComputedValues(catalog, r.profile, fullHistories.get(r.profile.profileId) ?? new Map(), stored, r.computed as ComputedTrigger, r.at);
    computed.set(r.profile.profileId, { values: decision.values, dueAt: decision.dueAt });
    return { profile: r.profile, at: r.at, stored, decision };
  });
  const changedKeys = new Map(computedDecided.map((d) => [d.profile.profileId, d.decision.changed]));
  // a changed computed value re-decides the segments that read it (indexed as the field computed.<key> / prediction.<name>)
  const work = candidates
    .map((r): EvaluationRequest => (r.scope === 'all' || !changedKeys.get(r.profile.profileId)?.length ? r : { ...r, scope: new Set([...r.scope, ...catalog.index.affected({ fields: changedKeys.get(r.profile.profileId) })]) }))
    .filter((r) => r.profile.status === 'merged' || r.scope === 'all' || r.scope.size > 0);
  const computedMessages = await writeComputedValues(tx, computedDecided);
  // an absorbed profile's values are the survivor's now (recomputed there with the moved history)
  const absorbed = candidates.filter((r) => r.profile.status === 'merged').map((r) => r.profile.profileId);
  if (absorbed.length > 0) await tx.query('DELETE FROM profile_computed_values WHERE profile_id = ANY($1::text[])', [absorbed]);
  if (work.length === 0) return { messages: computedMessages, flips: [] };
  const ids = work.map((r) => r.profile.profileId);
  const segments = relevantSegments(catalog, work);
  const partialIds = ids.filter((id) => !fullHistories.has(id));
  const histories = partialIds.length > 0 ? await loadEventHistories(tx, partialIds, segments === null ? undefined : eventNamesOf(catalog, segments)) : new Map<string, EventHistory>();
  const memberships = await loadMemberships(tx, ids, segments);
  const timers = await loadTimers(tx, ids, segments);
  const decided: DecidedProfile[] = work.map((r) => {
    const id = r.profile.profileId;
    const history = fullHistories.get(id) ?? histories.get(id) ?? new Map();
    return {
      profile: r.profile,
      at: r.at,
      storedTimers: timers.get(id),
      decision: decideProfile(catalog, r.profile, history, memberships.get(id) ?? new Map(), r.scope, r.at, computed.get(id)?.values),
    };
  });
  return { messages: [...computedMessages, ...(await writeDecisions(tx, decided))], flips: decided.flatMap((d) => d.decision.flips) };
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
