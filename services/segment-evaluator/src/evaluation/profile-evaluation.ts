import type { OutboxEntry, SqlExecutor } from '@tessera/kafka';
import { decideComputedValues, type ComputedMap, type ComputedTrigger, type StoredComputed } from './computed-value-decider';
import { loadComputedValues, writeComputedValues } from './computed-value-store';
import { decideProfile, type MembershipFlip } from './membership-decider';
import { writeDecisions, type DecidedProfile } from './membership-writer';
import { loadEventHistories, loadMemberships, writeProfiles, type ProfileRow } from './profile-store';
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
  /** The due times that moved (profile id -> new due time, null for none). */
  dues?: ReadonlyMap<string, number | null>;
}

/**
 * `changed`: projection rows the caller changed (values, status...), written with their new due times in the one
 * statement that writes the due times that moved.
 */
export async function evaluateProfiles(
  tx: SqlExecutor,
  catalog: SegmentCatalog,
  requests: readonly EvaluationRequest[],
  changed: readonly ProfileRow[] = [],
): Promise<EvaluationOutcome> {
  const candidates = requests.filter(decidesSomething).map(catchUp);
  const outcome =
    candidates.length > 0 ? await decide(tx, catalog, candidates) : { messages: [], flips: [], dues: new Map<string, number | null>() };
  await writeProfiles(tx, changed, outcome.dues);
  return { messages: outcome.messages, flips: outcome.flips, dues: outcome.dues };
}

const recompute = (r: EvaluationRequest) => r.computed !== undefined && r.profile.status === 'active';
const decidesSomething = (r: EvaluationRequest) => r.profile.status === 'merged' || r.scope === 'all' || r.scope.size > 0 || recompute(r);

/**
 * A profile whose due time has passed (the scheduler has not fired it yet) is decided in full now: deciding part of
 * it and leaving the due time would let the scheduler decide it later at an instant before this decision.
 */
function catchUp(r: EvaluationRequest): EvaluationRequest {
  const { dueAt, status } = r.profile;
  if (status !== 'active' || dueAt === null || dueAt > r.at || isFull(r)) return r;
  return { ...r, scope: 'all', computed: 'all' };
}

async function decide(
  tx: SqlExecutor,
  catalog: SegmentCatalog,
  candidates: readonly EvaluationRequest[],
): Promise<EvaluationOutcome & { dues: Map<string, number | null> }> {
  // stored values: those recomputed (to announce only changes) and, when some rule reads them, every decided profile's
  const active = candidates
    .filter((r) => r.profile.status === 'active' && (catalog.readsComputed || recompute(r)))
    .map((r) => r.profile.profileId);
  const storedValues = active.length > 0 ? await loadComputedValues(tx, active) : new Map<string, ComputedMap>();
  const computed = new Map<string, StoredComputed>([...storedValues].map(([id, values]) => [id, { values, dueAt: null }]));
  // computed values read every event (predictions count any activity): load whole histories for those profiles once
  const fullHistoryIds = candidates.filter(recompute).map((r) => r.profile.profileId);
  const fullHistories = fullHistoryIds.length > 0 ? await loadEventHistories(tx, fullHistoryIds) : new Map<string, EventHistory>();
  const computedDecided = candidates.filter(recompute).map((r) => {
    const values = storedValues.get(r.profile.profileId);
    // the profile's due time stands for the values not recomputed now
    const stored = values === undefined ? undefined : { values, dueAt: r.profile.dueAt };
    const decision = decideComputedValues(
      catalog,
      r.profile,
      fullHistories.get(r.profile.profileId) ?? new Map(),
      stored,
      r.computed as ComputedTrigger,
      r.at,
    );
    computed.set(r.profile.profileId, { values: decision.values, dueAt: decision.dueAt });
    return { profile: r.profile, at: r.at, stored, decision };
  });
  const changedKeys = new Map(computedDecided.map((d) => [d.profile.profileId, d.decision.changed]));
  // a changed computed value re-decides the segments that read it (indexed as the field computed.<key> / prediction.<name>)
  const work = candidates
    .map((r): EvaluationRequest =>
      r.scope === 'all' || !changedKeys.get(r.profile.profileId)?.length
        ? r
        : { ...r, scope: new Set([...r.scope, ...catalog.index.affected({ fields: changedKeys.get(r.profile.profileId) })]) },
    )
    .filter((r) => r.profile.status === 'merged' || r.scope === 'all' || r.scope.size > 0);
  const computedMessages = await writeComputedValues(tx, computedDecided);
  // an absorbed profile's values are the survivor's now (recomputed there with the moved history)
  const absorbed = candidates.filter((r) => r.profile.status === 'merged').map((r) => r.profile.profileId);
  if (absorbed.length > 0) await tx.query('DELETE FROM profile_computed_values WHERE profile_id = ANY($1::text[])', [absorbed]);
  const decided: DecidedProfile[] = [];
  if (work.length > 0) {
    const ids = work.map((r) => r.profile.profileId);
    const segments = relevantSegments(catalog, work);
    const partialIds = ids.filter((id) => !fullHistories.has(id));
    const histories =
      partialIds.length > 0
        ? await loadEventHistories(tx, partialIds, segments === null ? undefined : eventNamesOf(catalog, segments))
        : new Map<string, EventHistory>();
    const memberships = await loadMemberships(tx, ids, segments);
    for (const r of work) {
      const id = r.profile.profileId;
      const history = fullHistories.get(id) ?? histories.get(id) ?? new Map();
      // computed values join the profile's values only when some rule reads them (a merged copy per profile otherwise)
      const values = catalog.readsComputed ? computed.get(id)?.values : undefined;
      decided.push({
        profile: r.profile,
        at: r.at,
        decision: decideProfile(catalog, r.profile, history, memberships.get(id) ?? new Map(), r.scope, r.at, values),
      });
    }
  }
  const decisions = new Map(decided.map((d) => [d.profile.profileId, d.decision]));
  const dues = new Map<string, number | null>();
  for (const r of candidates) {
    const decision = decisions.get(r.profile.profileId);
    const due = decision?.absorbed
      ? null
      : nextDueAt(r, [decision?.next ?? null, recompute(r) ? (computed.get(r.profile.profileId)?.dueAt ?? null) : null]);
    if (due !== r.profile.dueAt) dues.set(r.profile.profileId, due);
  }
  const messages = decided.length > 0 ? [...computedMessages, ...(await writeDecisions(tx, decided))] : computedMessages;
  return { messages, flips: decided.flatMap((d) => d.decision.flips), dues };
}

/** Segments decided in full and computed values recomputed in full: nothing of the stored due time still stands. */
const isFull = (r: EvaluationRequest) => r.scope === 'all' && r.computed === 'all';

/**
 * The profile's next due time after deciding `r`: the earliest of what was decided now and, unless everything was,
 * the stored due time (it may belong to a segment or value not decided now; if it belonged to one decided now and
 * moved later, it fires once early, decides the profile in full and sets the exact time).
 */
export function nextDueAt(r: EvaluationRequest, decided: ReadonlyArray<number | null>): number | null {
  const stored = r.profile.dueAt;
  const times = isFull(r) || stored === null || stored <= r.at ? decided : [...decided, stored];
  let due: number | null = null;
  for (const t of times) if (t !== null && (due === null || t < due)) due = t;
  return due;
}

/**
 * The segments whose stored memberships these decisions read: those decided (scope and dependents) and
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
