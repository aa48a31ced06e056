import { compare, instantOf } from './comparisons';
import { DAY_MS, DEFAULT_EVENT_HISTORY_DAYS } from './event-history';
import { holdsDuring, intervalAt } from './relative-dates';
import { computedField, isRelativeDate, type EventCondition, type Rule } from './rule';
import type { ProfileFacts, SegmentLookup } from './rule-evaluator';
import { evaluateEvent } from './event-conditions';

/** Where a compiled rule accumulates its `next`: the earliest change instant of every condition it evaluated. */
export interface NextChange {
  next: number | null;
}

/**
 * A rule compiled to closures: whether it matches at `now`, with the earliest instant its result could change
 * folded into `acc.next`. That fold is the whole of `next` for a tree: every child is evaluated, a combinator's
 * next is the earliest of its children's and `not` passes its child's through, so the tree's next is the earliest
 * of its conditions'. No object per node and no re-reading of the rule's shape on every decision.
 */
export type CompiledRule = (facts: ProfileFacts, now: number, lookup: SegmentLookup, acc: NextChange) => boolean;

const compiled = new WeakMap<Rule, CompiledRule>();

/**
 * The compiled form of `rule`, built once per rule object: the catalog keeps its parsed rules for a definitions
 * epoch, so a rule is compiled once per epoch however many profiles it decides.
 */
export function compiledRule(rule: Rule): CompiledRule {
  let fn = compiled.get(rule);
  if (!fn) compiled.set(rule, (fn = compile(rule)));
  return fn;
}

function fold(acc: NextChange, next: number | null): void {
  if (next !== null && (acc.next === null || next < acc.next)) acc.next = next;
}

function compile(rule: Rule): CompiledRule {
  if ('all' in rule || 'any' in rule) {
    const all = 'all' in rule;
    const children = (all ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any).map(compile);
    return (facts, now, lookup, acc) => {
      let matched = all;
      for (let i = 0; i < children.length; i++) if (children[i](facts, now, lookup, acc) !== all) matched = !all;
      return matched;
    };
  }
  if ('not' in rule) {
    const inner = compile(rule.not);
    return (facts, now, lookup, acc) => !inner(facts, now, lookup, acc);
  }
  if ('segment' in rule) {
    const id = rule.segment;
    return (_facts, _now, lookup, acc) => {
      const other = lookup(id);
      fold(acc, other.next);
      return other.matched;
    };
  }
  if ('consent' in rule) {
    const field = `consent.${rule.consent}`;
    const granted = rule.is === 'granted';
    return (facts) => (granted ? facts.values[field] === true : facts.values[field] === false);
  }
  if ('computed' in rule || 'prediction' in rule) {
    const field = computedField(rule);
    return (facts) => compare(facts.values[field], rule);
  }
  if ('trait' in rule) {
    const field = rule.trait;
    if (!isRelativeDate(rule)) return (facts) => compare(facts.values[field], rule);
    return (facts, now, _lookup, acc) => {
      const date = instantOf(facts.values[field]);
      if (date === null) return false;
      const { holds, next } = intervalAt(holdsDuring(date, rule), now);
      fold(acc, next);
      return holds;
    };
  }
  const event = rule as EventCondition;
  return (facts, now, _lookup, acc) => {
    const { matched, next } = evaluateEvent(event, facts.events, now, (facts.historyDays ?? DEFAULT_EVENT_HISTORY_DAYS) * DAY_MS);
    fold(acc, next);
    return matched;
  };
}
