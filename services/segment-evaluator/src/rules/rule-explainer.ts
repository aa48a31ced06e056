import { computedField, isRelativeDate, type RelativeDate, type Rule } from './rule';
import { compiledRule, type NextChange } from './rule-compiler';
import type { Decision, ProfileFacts, SegmentLookup } from './rule-evaluator';

/** A rule's decision with the conditions that decided it (`decisive`), for a membership reason. */
export type ExplainedRule = (facts: ProfileFacts, now: number, lookup: SegmentLookup) => Decision;

const explainers = new WeakMap<Rule, ExplainedRule>();

/**
 * The explaining form of `rule`, built once per rule object (as compiledRule): each condition's text (its JSON
 * path and description, with a `not ` per enclosing negation) is written once, so explaining a decision only picks
 * the texts of the conditions that decided it. Every flip of a first sight is explained (~30 per profile on the
 * bench), and building the paths and descriptions on each one cost as much as the decisions themselves.
 * The `decisive` arrays of single conditions are shared: nothing may append to a decision's `decisive`.
 */
export function explainedRule(rule: Rule): ExplainedRule {
  let fn = explainers.get(rule);
  if (!fn) explainers.set(rule, (fn = explain(rule, '$', '')));
  return fn;
}

function explain(rule: Rule, path: string, negations: string): ExplainedRule {
  if ('all' in rule || 'any' in rule) {
    const all = 'all' in rule;
    const key = all ? 'all' : 'any';
    const list = all ? (rule as { all: Rule[] }).all : (rule as { any: Rule[] }).any;
    const children = list.map((child, i) => explain(child, `${path}.${key}[${i}]`, negations));
    return (facts, now, lookup) => {
      const results = children.map((child) => child(facts, now, lookup));
      let matched = all;
      let next: number | null = null;
      for (const r of results) {
        if (r.matched !== all) matched = !all;
        if (r.next !== null && (next === null || r.next < next)) next = r.next;
      }
      // all true / any false: every child decided it; otherwise the first child that broke (all) or made (any) it
      const decisive = matched === all ? results.flatMap((r) => r.decisive) : (results.find((r) => r.matched !== all)?.decisive ?? []);
      return { matched, next, decisive };
    };
  }
  if ('not' in rule) {
    const inner = explain(rule.not, `${path}.not`, `not ${negations}`);
    return (facts, now, lookup) => {
      const r = inner(facts, now, lookup);
      return { matched: !r.matched, next: r.next, decisive: r.decisive };
    };
  }
  const decisive = [`${negations}${path}: ${describeCondition(rule)}`];
  const decide = compiledRule(rule);
  return (facts, now, lookup) => {
    const acc: NextChange = { next: null };
    const matched = decide(facts, now, lookup, acc);
    return { matched, next: acc.next, decisive };
  };
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
