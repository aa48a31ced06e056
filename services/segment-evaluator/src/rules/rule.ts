/**
 * The rule language of segments: a JSON tree of combinators and conditions (see the service README for examples).
 * rule-schema.ts validates it; rule-evaluator.ts decides it and says when the decision could next change.
 */
export type ComparisonOp = 'eq' | 'neq' | 'in' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export type RelativeDateOp = 'withinNextDays' | 'withinLastDays' | 'moreThanDaysAgo' | 'betweenDaysFromNow';

export interface Comparison {
  op: ComparisonOp;
  /** Absent only for `exists` (then true: the field must be set; false: it must be unset). */
  value?: unknown;
}

export interface RelativeDate {
  op: RelativeDateOp;
  /** withinNextDays, withinLastDays, moreThanDaysAgo. */
  days?: number;
  /** betweenDaysFromNow: the date lies between now + from days and now + to days (negative = in the past). */
  from?: number;
  to?: number;
}

export type TraitCondition = { trait: string } & (Comparison | RelativeDate);

export interface PropertyFilter extends Comparison {
  /** A property name, or a dotted path into nested properties (`product.sku`). */
  property: string;
}

export interface EventCountCondition {
  event: string;
  where?: PropertyFilter[];
  /** Default: atLeast 1. */
  atLeast?: number;
  atMost?: number;
  exactly?: number;
  /** The sliding window (now - N days, now]; absent: ever (within the kept history). */
  inLastDays?: number;
}

export interface EventTimeCondition {
  event: string;
  where?: PropertyFilter[];
  firstDone?: RelativeDate;
  lastDone?: RelativeDate;
}

export type EventCondition = EventCountCondition | EventTimeCondition;

export interface ConsentCondition {
  consent: string;
  is: 'granted' | 'denied';
}

/** A computed trait (`computed.<key>`) or a prediction (`prediction.<name>`) of the profile, compared like a trait. */
export type ComputedCondition = { computed: string } & Comparison;
export type PredictionCondition = { prediction: string } & Comparison;

export interface SegmentCondition {
  segment: string;
}

export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | TraitCondition
  | EventCondition
  | ConsentCondition
  | ComputedCondition
  | PredictionCondition
  | SegmentCondition;

export const RELATIVE_DATE_OPS: readonly RelativeDateOp[] = ['withinNextDays', 'withinLastDays', 'moreThanDaysAgo', 'betweenDaysFromNow'];

export function isRelativeDate(condition: { op: string }): condition is RelativeDate {
  return (RELATIVE_DATE_OPS as readonly string[]).includes(condition.op);
}

/** The segmentable value a computed-trait or prediction condition reads (also its key in the rule index). */
export function computedField(rule: ComputedCondition | PredictionCondition): string {
  return 'computed' in rule ? `computed.${rule.computed}` : `prediction.${rule.prediction}`;
}
