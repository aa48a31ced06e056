/** A value as of `now` and the first later instant it would differ with no new input (null: never). */
export type TimedValue<V> = { value: V; nextChangeAt: number | null };

/**
 * Walks the candidate instants (ascending; the only times the inputs of `valueAt` change) and stops at the first
 * where the value really differs: an occurrence leaving a window does not always change a max or a label, and the
 * evaluator should not wake up for nothing. `valueAt` is called with nondecreasing instants (now, then the candidates
 * in order), so it may keep sliding state.
 */
export function withNextChange<V>(
  valueAt: (t: number) => V,
  now: number,
  candidates: Iterable<number>,
  same: (a: V, b: V) => boolean = sameValue,
): TimedValue<V> {
  const value = valueAt(now);
  for (const t of candidates) {
    if (t <= now) continue;
    if (!same(valueAt(t), value)) return { value, nextChangeAt: t };
  }
  return { value, nextChangeAt: null };
}

/** Values here are JSON primitives or small flat objects of them, so a one-level comparison is exact. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
