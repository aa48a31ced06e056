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

/** Each `{ computed: K }` condition of the rule with its JSON path (`$.all[1].computed`), for the check on save. */
export function computedConditions(
  rule: Rule,
  path = '$',
  into: Array<{ path: string; key: string }> = [],
): Array<{ path: string; key: string }> {
  if ('all' in rule) rule.all.forEach((child, i) => computedConditions(child, `${path}.all[${i}]`, into));
  else if ('any' in rule) rule.any.forEach((child, i) => computedConditions(child, `${path}.any[${i}]`, into));
  else if ('not' in rule) computedConditions(rule.not, `${path}.not`, into);
  else if ('computed' in rule) into.push({ path: `${path}.computed`, key: rule.computed });
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
