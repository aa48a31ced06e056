import { compare, instantOf, propertyAt } from './comparisons';
import { DAY_MS, DEFAULT_EVENT_HISTORY_DAYS, type EventHistory, type HistoryEvent } from './event-history';
import { holdsDuring, intervalAt } from './relative-dates';
import { computedField, isRelativeDate, type EventCondition, type EventCountCondition, type PropertyFilter, type RelativeDate, type Rule } from './rule';

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
export function evaluateSegment(segment: SegmentRule, facts: ProfileFacts, now: number, lookup: SegmentLookup = noSegments, explain = true): Decision {
  if (facts.isTest && !segment.includeTestProfiles) return { matched: false, next: null, decisive: explain ? ['test profile (the segment excludes test profiles)'] : [] };
  return evaluate(segment.rule, facts, now, lookup, explain ? '$' : null);
}

const noSegments: SegmentLookup = (id) => ({ matched: false, next: null, decisive: [`segment ${id} is unknown`] });

/** `path` null: no explanation wanted (decisive stays empty). */
export function evaluate(rule: Rule, facts: ProfileFacts, now: number, lookup: SegmentLookup, path: string | null): Decision {
  if (path === null) return decide(rule, facts, now, lookup);
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
  return { ...condition(rule as LeafCondition, facts, now, lookup), decisive: [`${path}: ${describeCondition(rule)}`] };
}

// Shared by every unexplained decision: nothing appends to a decision's `decisive`.
const NO_REASON: string[] = [];

/**
 * The same decision as `evaluate` without an explanation, in plain loops: a profile's first sight decides every
 * segment, so this runs ~100 times per change and its allocations were a good part of the evaluator's GC time.
 * Every child is evaluated, as `evaluate` does, because `next` is the earliest change of any of them.
 */
function decide(rule: Rule, facts: ProfileFacts, now: number, lookup: SegmentLookup): Decision {
  if ('all' in rule || 'any' in rule) {
    const all = 'all' in rule;
    const list = all ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any;
    let matched = all;
    let next: number | null = null;
    for (const child of list) {
      const r = decide(child, facts, now, lookup);
      if (r.matched !== all) matched = !all;
      if (r.next !== null && (next === null || r.next < next)) next = r.next;
    }
    return { matched, next, decisive: NO_REASON };
  }
  if ('not' in rule) {
    const inner = decide(rule.not, facts, now, lookup);
    return { matched: !inner.matched, next: inner.next, decisive: NO_REASON };
  }
  const { matched, next } = condition(rule as LeafCondition, facts, now, lookup);
  return { matched, next, decisive: NO_REASON };
}

type LeafCondition = Exclude<Rule, { all: Rule[] } | { any: Rule[] } | { not: Rule }>;

/** One leaf condition (not a combinator). */
function condition(rule: LeafCondition, facts: ProfileFacts, now: number, lookup: SegmentLookup): { matched: boolean; next: number | null } {
  if ('segment' in rule) {
    const other = lookup(rule.segment);
    return { matched: other.matched, next: other.next };
  }
  if ('consent' in rule) {
    const value = facts.values[`consent.${rule.consent}`];
    return { matched: rule.is === 'granted' ? value === true : value === false, next: null };
  }
  if ('computed' in rule || 'prediction' in rule) return { matched: compare(facts.values[computedField(rule)], rule), next: null };
  if ('trait' in rule) {
    const actual = facts.values[rule.trait];
    if (!isRelativeDate(rule)) return { matched: compare(actual, rule), next: null };
    const date = instantOf(actual);
    if (date === null) return { matched: false, next: null };
    const { holds, next } = intervalAt(holdsDuring(date, rule), now);
    return { matched: holds, next };
  }
  return evaluateEvent(rule, facts.events, now, (facts.historyDays ?? DEFAULT_EVENT_HISTORY_DAYS) * DAY_MS);
}

function evaluateEvent(rule: EventCondition, history: EventHistory, now: number, historyMs: number): { matched: boolean; next: number | null } {
  const events = matchingEvents(history.get(rule.event) ?? [], rule.where);
  if ('firstDone' in rule || 'lastDone' in rule) {
    const rel = ('firstDone' in rule ? rule.firstDone : rule.lastDone) as RelativeDate;
    const nextArrival = events.find((e) => e.at > now)?.at ?? null;
    const done = events.filter((e) => e.at <= now && now < e.at + historyMs);
    if (done.length === 0) return { matched: false, next: nextArrival };
    const at = 'firstDone' in rule ? done[0].at : done[done.length - 1].at;
    const interval = intervalAt(holdsDuring(at, rel), now);
    // a later event changes "last done" when it arrives; either changes when its event leaves the kept history
    return { matched: interval.holds, next: earliest([interval.next, at + historyMs, 'lastDone' in rule ? nextArrival : null]) };
  }
  const window = 'inLastDays' in rule && rule.inLastDays !== undefined ? rule.inLastDays * DAY_MS : historyMs;
  let count = 0;
  let next: number | null = null;
  for (const { at } of events) {
    // the window is (now - window, now]: an event counts from `at` until `at + window` (exclusive)
    if (at <= now && now < at + window) count++;
    const change = at > now ? at : at + window > now ? at + window : null;
    if (change !== null && Number.isFinite(change) && (next === null || change < next)) next = change;
  }
  return { matched: countMatches(rule as EventCountCondition, count), next };
}

function countMatches(rule: { atLeast?: number; atMost?: number; exactly?: number }, count: number): boolean {
  if (rule.exactly !== undefined) return count === rule.exactly;
  const atLeast = rule.atLeast ?? (rule.atMost === undefined ? 1 : 0);
  return count >= atLeast && (rule.atMost === undefined || count <= rule.atMost);
}

function matchingEvents(events: ReadonlyArray<HistoryEvent>, where: PropertyFilter[] | undefined): ReadonlyArray<HistoryEvent> {
  if (!where || where.length === 0) return events;
  return events.filter((e) => where.every((filter) => compare(propertyAt(e.properties, filter.property), filter)));
}

function earliest(times: Array<number | null>): number | null {
  let best: number | null = null;
  for (const t of times) if (t !== null && (best === null || t < best)) best = t;
  return best;
}

/** A short human description of one condition, for membership reasons. */
export function describeCondition(rule: Rule): string {
  if ('segment' in rule) return `member of segment ${rule.segment}`;
  if ('consent' in rule) return `consent ${rule.consent} ${rule.is}`;
  if ('computed' in rule || 'prediction' in rule) return `${computedField(rule)} ${rule.op}${'value' in rule ? ` ${JSON.stringify(rule.value)}` : ''}`;
  if ('trait' in rule) {
    if (isRelativeDate(rule)) return `${rule.trait} ${describeDate(rule)}`;
    return `${rule.trait} ${rule.op}${'value' in rule ? ` ${JSON.stringify(rule.value)}` : ''}`;
  }
  if ('event' in rule) {
    const filters = rule.where?.length ? ` where ${rule.where.map((f) => `${f.property} ${f.op} ${JSON.stringify(f.value)}`).join(' and ')}` : '';
    if ('firstDone' in rule && rule.firstDone) return `${rule.event}${filters} first done ${describeDate(rule.firstDone)}`;
    if ('lastDone' in rule && rule.lastDone) return `${rule.event}${filters} last done ${describeDate(rule.lastDone)}`;
    const c = rule as { atLeast?: number; atMost?: number; exactly?: number; inLastDays?: number };
    const times = c.exactly !== undefined ? `exactly ${c.exactly}` : [c.atLeast !== undefined || c.atMost === undefined ? `at least ${c.atLeast ?? 1}` : '', c.atMost !== undefined ? `at most ${c.atMost}` : ''].filter(Boolean).join(' and ');
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
