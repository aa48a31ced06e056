import { computedField, type Rule } from './rule';

/** What a rule reads: the `values` keys (traits, consent), event names and other segments. The real-time index. */
export interface RuleReferences {
  fields: Set<string>;
  events: Set<string>;
  segments: Set<string>;
}

export function ruleReferences(
  rule: Rule,
  into: RuleReferences = { fields: new Set(), events: new Set(), segments: new Set() },
): RuleReferences {
  if ('all' in rule) for (const child of rule.all) ruleReferences(child, into);
  else if ('any' in rule) for (const child of rule.any) ruleReferences(child, into);
  else if ('not' in rule) ruleReferences(rule.not, into);
  else if ('segment' in rule) into.segments.add(rule.segment);
  else if ('consent' in rule) into.fields.add(`consent.${rule.consent}`);
  else if ('trait' in rule) into.fields.add(rule.trait);
  else if ('computed' in rule || 'prediction' in rule) into.fields.add(computedField(rule));
  else into.events.add(rule.event);
  return into;
}

/**
 * Each `{ computed: K }` (or `{ segment: S }`) condition of the rule with the JSON Pointer of its key under `at`
 * (`/rule/all/1/computed` for a rule at `/rule`), for the checks on save.
 */
export function namingConditions(
  rule: Rule,
  kind: 'computed' | 'segment',
  at = '',
  into: Array<{ path: string; key: string }> = [],
): Array<{ path: string; key: string }> {
  if ('all' in rule) rule.all.forEach((child, i) => namingConditions(child, kind, `${at}/all/${i}`, into));
  else if ('any' in rule) rule.any.forEach((child, i) => namingConditions(child, kind, `${at}/any/${i}`, into));
  else if ('not' in rule) namingConditions(rule.not, kind, `${at}/not`, into);
  else if (kind === 'computed' && 'computed' in rule) into.push({ path: `${at}/computed`, key: rule.computed });
  else if (kind === 'segment' && 'segment' in rule) into.push({ path: `${at}/segment`, key: rule.segment });
  return into;
}

/**
 * Which segments a change touches: those whose rules read a changed field or event name, plus, transitively,
 * the segments that reference one of those. Built once per set of segment definitions.
 */
export class RuleIndex {
  private readonly byField = new Map<string, Set<string>>();
  private readonly byEvent = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();

  constructor(segments: ReadonlyArray<{ id: string; rule: Rule }>) {
    for (const { id, rule } of segments) {
      const refs = ruleReferences(rule);
      for (const f of refs.fields) addTo(this.byField, f, id);
      for (const e of refs.events) addTo(this.byEvent, e, id);
      for (const s of refs.segments) addTo(this.dependents, s, id);
    }
  }

  affected(change: { fields?: Iterable<string>; events?: Iterable<string> }): Set<string> {
    const hit = new Set<string>();
    for (const f of change.fields ?? []) for (const id of this.byField.get(f) ?? []) hit.add(id);
    for (const e of change.events ?? []) for (const id of this.byEvent.get(e) ?? []) hit.add(id);
    return this.withDependents(hit);
  }

  withDependents(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...ids];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(this.dependents.get(id) ?? []));
    }
    return out;
  }
}

function addTo(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key) ?? new Set<string>();
  if (set.size === 0) map.set(key, set);
  set.add(id);
}
