import type { EventHistory } from './event-history';
import type { Rule } from './rule';
import { compiledRule, type NextChange } from './rule-compiler';
import { explainedRule } from './rule-explainer';

export { describeCondition } from './rule-explainer';

/** What a rule reads of one profile: the flat values of cdp.profiles.changed, the test label and the event history. */
export interface ProfileFacts {
  values: Readonly<Record<string, unknown>>;
  isTest: boolean;
  events: EventHistory;
  /**
   * SEGMENTS_EVENT_HISTORY_DAYS (default 180). "Ever" and first / last done read the events of the last this many
   * days, as a window: an event leaves at its time + this many days, exactly, whether or not it was trimmed yet.
   */
  historyDays?: number;
}

/** The decision of another segment for the same profile at the same instant (segment conditions). */
export type SegmentLookup = (segmentId: string) => Decision;

/**
 * `matched` at `now`; `next`: the earliest instant after `now` at which the result could change with no new input
 * (null: never). Re-evaluating at `next` gives either a change or a later `next`, so a timer per (profile, segment)
 * at `next` catches every time-driven change at its exact millisecond, without rescanning profiles.
 * `decisive`: the conditions that decided the result (JSON path and a description), for the membership reason.
 */
export interface Decision {
  matched: boolean;
  next: number | null;
  decisive: string[];
}

export interface SegmentRule {
  rule: Rule;
  includeTestProfiles?: boolean;
}

/**
 * `explain: false` skips building `decisive` (paths and descriptions, most of the cost of a simple rule): callers
 * that decide many segments ask for the explanation only of the decisions that flipped.
 */
export function evaluateSegment(
  segment: SegmentRule,
  facts: ProfileFacts,
  now: number,
  lookup: SegmentLookup = noSegments,
  explain = true,
): Decision {
  if (facts.isTest && !segment.includeTestProfiles)
    return { matched: false, next: null, decisive: explain ? ['test profile (the segment excludes test profiles)'] : [] };
  return evaluate(segment.rule, facts, now, lookup, explain);
}

const noSegments: SegmentLookup = (id) => ({ matched: false, next: null, decisive: [`segment ${id} is unknown`] });

/** `explain` false: no explanation wanted (decisive stays empty). */
export function evaluate(rule: Rule, facts: ProfileFacts, now: number, lookup: SegmentLookup, explain: boolean): Decision {
  if (explain) return explainedRule(rule)(facts, now, lookup);
  const acc: NextChange = { next: null };
  const matched = compiledRule(rule)(facts, now, lookup, acc);
  return { matched, next: acc.next, decisive: NO_REASON };
}

// Shared by every unexplained decision: nothing appends to a decision's `decisive`.
const NO_REASON: string[] = [];
