import { evaluateSegment, type Decision, type EventHistory } from '../rules';
import type { ProfileRow, StoredMembership } from './profile-store';
import type { SegmentCatalog } from './segment-catalog';

export interface MembershipFlip {
  segmentId: string;
  segmentVersion: number;
  change: 'entered' | 'exited';
  reason: string;
}

export interface ProfileDecision {
  flips: MembershipFlip[];
  /** The earliest instant one of the decided segments could change with no new input (null: never). */
  next: number | null;
  /** The profile was absorbed: every membership exits and every timer goes. */
  absorbed: boolean;
}

/**
 * Decides one profile's memberships at `now`, for the segments in `scope` (and every segment that references one
 * of them), in dependency order, against what is stored. Pure: the caller loads and writes.
 * A referenced segment outside the scope keeps its stored membership; its own timer re-decides its dependents.
 */
export function decideProfile(
  catalog: SegmentCatalog,
  profile: ProfileRow,
  events: EventHistory,
  stored: ReadonlyMap<string, StoredMembership>,
  scope: ReadonlySet<string> | 'all',
  now: number,
  computed?: Readonly<Record<string, unknown>>,
): ProfileDecision {
  if (profile.status === 'merged') {
    const flips = [...stored.keys()].sort().map((segmentId): MembershipFlip => ({
      segmentId,
      segmentVersion: catalog.segments.get(segmentId)?.version ?? stored.get(segmentId)?.segmentVersion ?? 0,
      change: 'exited',
      reason: `profile merged into ${profile.mergedInto ?? 'another profile'}`,
    }));
    return { flips, next: null, absorbed: true };
  }
  const wanted = scope === 'all' ? null : catalog.index.withDependents(scope);
  const decided = new Map<string, Decision>();
  const lookup = (id: string): Decision => decided.get(id) ?? { matched: stored.has(id), next: null, decisive: [] };
  // computed traits and predictions are segmentable values (computed.<key>, prediction.<name>), never profile values
  const values = computed ? { ...profile.values, ...computed } : profile.values;
  const facts = { values, isTest: profile.isTest, events, historyDays: catalog.historyDays };
  const flips: MembershipFlip[] = [];
  let next: number | null = null;
  for (const id of catalog.order) {
    if (wanted && !wanted.has(id)) continue;
    const segment = catalog.segments.get(id);
    if (!segment) continue;
    const decision = evaluateSegment(segment, facts, now, lookup, false);
    decided.set(id, decision);
    if (decision.next !== null && (next === null || decision.next < next)) next = decision.next;
    if (decision.matched !== stored.has(id)) {
      // the reason is built only for a flip: the same decision, explained
      const reason = evaluateSegment(segment, facts, now, lookup, true).decisive.join('; ');
      flips.push({ segmentId: id, segmentVersion: segment.version, change: decision.matched ? 'entered' : 'exited', reason });
    }
  }
  return { flips, next, absorbed: false };
}
