import { earliest } from './event-conditions';
import type { EventHistory } from './event-history';
import { computedField, isRelativeDate, type RelativeDate, type Rule } from './rule';
import { compiledRule, type NextChange } from './rule-compiler';

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
  return evaluate(segment.rule, facts, now, lookup, explain ? '$' : null);
}

const noSegments: SegmentLookup = (id) => ({ matched: false, next: null, decisive: [`segment ${id} is unknown`] });

/** `path` null: no explanation wanted (decisive stays empty). */
export function evaluate(rule: Rule, facts: ProfileFacts, now: number, lookup: SegmentLookup, path: string | null): Decision {
  if (path === null) {
    const acc: NextChange = { next: null };
    const matched = compiledRule(rule)(facts, now, lookup, acc);
    return { matched, next: acc.next, decisive: NO_REASON };
  }
  if ('all' in rule || 'any' in rule) {
    const all = 'all' in rule;
    const list = all ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any;
    const key = all ? 'all' : 'any';
    const results = list.map((child, i) => evaluate(child, facts, now, lookup, `${path}.${key}[${i}]`));
    const matched = all ? results.every((r) => r.matched) : results.some((r) => r.matched);
    const next = earliest(results.map((r) => r.next));
    // all true / any false: every child decided it; otherwise the first child that broke (all) or made (any) it
    const decisive = matched === all ? results.flatMap((r) => r.decisive) : (results.find((r) => r.matched !== all)?.decisive ?? []);
    return { matched, next, decisive };
  }
  if ('not' in rule) {
    const inner = evaluate(rule.not, facts, now, lookup, `${path}.not`);
    return { matched: !inner.matched, next: inner.next, decisive: inner.decisive.map((d) => `not ${d}`) };
  }
  return { ...condition(rule, facts, now, lookup), decisive: [`${path}: ${describeCondition(rule)}`] };
}

// Shared by every unexplained decision: nothing appends to a decision's `decisive`.
const NO_REASON: string[] = [];

/** One leaf condition (not a combinator), through its compiled form: one implementation of each condition. */
function condition(rule: Rule, facts: ProfileFacts, now: number, lookup: SegmentLookup): { matched: boolean; next: number | null } {
  const acc: NextChange = { next: null };
  const matched = compiledRule(rule)(facts, now, lookup, acc);
  return { matched, next: acc.next };
}

/** A short human description of one condition, for membership reasons. */
export function describeCondition(rule: Rule): string {
  if ('segment' in rule) return `member of segment ${rule.segment}`;
  if ('consent' in rule) return `consent ${rule.consent} ${rule.is}`;
  if ('computed' in rule || 'prediction' in rule)
    return `${computedField(rule)} ${rule.op}${'value' in rule ? ` ${JSON.stringify(rule.value)}` : ''}`;
  if ('trait' in rule) {
    if (isRelativeDate(rule)) return `${rule.trait} ${describeDate(rule)}`;
    return `${rule.trait} ${rule.op}${'value' in rule ? ` ${JSON.stringify(rule.value)}` : ''}`;
  }
  if ('event' in rule) {
    const filters = rule.where?.length
      ? ` where ${rule.where.map((f) => `${f.property} ${f.op} ${JSON.stringify(f.value)}`).join(' and ')}`
      : '';
    if ('firstDone' in rule && rule.firstDone) return `${rule.event}${filters} first done ${describeDate(rule.firstDone)}`;
    if ('lastDone' in rule && rule.lastDone) return `${rule.event}${filters} last done ${describeDate(rule.lastDone)}`;
    const c = rule as { atLeast?: number; atMost?: number; exactly?: number; inLastDays?: number };
    const times =
      c.exactly !== undefined
        ? `exactly ${c.exactly}`
        : [
            c.atLeast !== undefined || c.atMost === undefined ? `at least ${c.atLeast ?? 1}` : '',
            c.atMost !== undefined ? `at most ${c.atMost}` : '',
          ]
            .filter(Boolean)
            .join(' and ');
    return `${rule.event}${filters} ${times} times ${c.inLastDays !== undefined ? `in the last ${c.inLastDays} days` : 'ever'}`;
  }
  return 'combinator';
}

function describeDate(rel: RelativeDate): string {
  if (rel.op === 'betweenDaysFromNow') return `between ${rel.from} and ${rel.to} days from now`;
  if (rel.op === 'withinNextDays') return `within the next ${rel.days} days`;
  if (rel.op === 'withinLastDays') return `within the last ${rel.days} days`;
  return `more than ${rel.days} days ago`;
}
