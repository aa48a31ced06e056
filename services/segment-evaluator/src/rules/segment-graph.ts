import type { Rule } from './rule';
import { ruleReferences } from './rule-references';

/**
 * Segments may reference segments. A reference cycle (a -> b -> a) has no meaning, so it is refused when a
 * definition is saved; what is stored is therefore acyclic and can be evaluated in dependency order.
 * Returns the cycle as a list of ids (first = last), or null.
 */
export function findCycle(segments: ReadonlyMap<string, Rule>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'open') return [...trail.slice(trail.indexOf(id)), id];
    const rule = segments.get(id);
    if (!rule) return null;
    state.set(id, 'open');
    trail.push(id);
    for (const ref of ruleReferences(rule).segments) {
      const cycle = visit(ref);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(id, 'done');
    return null;
  };
  for (const id of [...segments.keys()].sort()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return null;
}

/** Ids in an order where every segment comes after the segments it references (definitions must be acyclic). */
export function dependencyOrder(segments: ReadonlyMap<string, Rule>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id) || !segments.has(id)) return;
    seen.add(id);
    for (const ref of ruleReferences(segments.get(id) as Rule).segments) visit(ref);
    order.push(id);
  };
  for (const id of [...segments.keys()].sort()) visit(id);
  return order;
}
