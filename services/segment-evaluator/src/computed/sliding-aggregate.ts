import type { ComputedAggregate } from './computed-trait-definition';

export type ComputedValue = number | string | boolean | null;
export type Usable = { at: number; value: ComputedValue };

/**
 * An aggregate over usable[from, to) that is asked again and again as the window slides forward in time: from and
 * to never decrease between calls, so each aggregate keeps state and pays for what entered or left, not for the
 * whole window (a max over 9,000 page views would otherwise rescan at every candidate instant).
 */
export type SlidingAggregate = (from: number, to: number) => ComputedValue;

export function slidingAggregate(kind: ComputedAggregate, usable: ReadonlyArray<Usable>): SlidingAggregate {
  switch (kind) {
    case 'count':
      return (from, to) => to - from;
    case 'first':
      return (from, to) => (to > from ? usable[from].value : null);
    case 'last':
      return (from, to) => (to > from ? usable[to - 1].value : null);
    case 'min':
    case 'max':
      return slidingExtreme(kind, usable);
    case 'sum':
    case 'avg':
      return slidingSum(kind, usable);
    case 'most_frequent':
      return slidingMode(usable);
  }
}

/** JSON has no -0 but JavaScript arithmetic does; -0 and 0 must compare equal as values. */
export function normalize(value: ComputedValue): ComputedValue {
  return value === 0 ? 0 : value;
}

/** The classic monotonic deque: indices whose values strictly decrease (max) from the front; exact, no arithmetic. */
function slidingExtreme(kind: 'min' | 'max', usable: ReadonlyArray<Usable>): SlidingAggregate {
  const deque: number[] = [];
  let head = 0;
  let added = 0;
  const beats = (a: number, b: number) => (kind === 'max' ? a > b : a < b);
  return (from, to) => {
    for (; added < to; added++) {
      const v = usable[added].value as number;
      while (deque.length > head && !beats(usable[deque[deque.length - 1]].value as number, v)) deque.pop();
      deque.push(added);
    }
    while (head < deque.length && deque[head] < from) head++;
    return head < deque.length ? normalize(usable[deque[head]].value) : null;
  };
}

/**
 * Sums are recomputed from scratch in time order (a running total that adds and subtracts would drift in floating
 * point, and the value must equal a fresh scan), but only when a non-zero value entered or left: a zero crossing the
 * front or the back leaves the ordered sum bit for bit the same.
 */
function slidingSum(kind: 'sum' | 'avg', usable: ReadonlyArray<Usable>): SlidingAggregate {
  let lastFrom = 0;
  let lastTo = 0;
  let total = 0;
  const anyNonZero = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (usable[i].value !== 0) return true;
    return false;
  };
  return (from, to) => {
    if (anyNonZero(lastFrom, from) || anyNonZero(lastTo, to)) {
      total = 0;
      for (let i = from; i < to; i++) total += usable[i].value as number;
    }
    [lastFrom, lastTo] = [from, to];
    if (kind === 'sum') return normalize(total);
    return to > from ? normalize(total / (to - from)) : null;
  };
}

/**
 * The value seen most often; a tie goes to the value seen most recently (the profile's current habit), so the
 * answer is deterministic. Values are told apart by type too: "1" and 1 are different values.
 */
function slidingMode(usable: ReadonlyArray<Usable>): SlidingAggregate {
  const tally = new Map<string, { value: ComputedValue; count: number; lastIndex: number }>();
  const idOf = (value: ComputedValue) => `${typeof value}:${String(value)}`;
  let lastFrom = 0;
  let lastTo = 0;
  return (from, to) => {
    for (; lastTo < to; lastTo++) {
      const value = usable[lastTo].value;
      const entry = tally.get(idOf(value));
      if (entry) [entry.count, entry.lastIndex] = [entry.count + 1, lastTo];
      else tally.set(idOf(value), { value, count: 1, lastIndex: lastTo });
    }
    // Leaving from the front never removes a value's latest occurrence unless it removes them all.
    for (; lastFrom < from; lastFrom++) {
      const id = idOf(usable[lastFrom].value);
      const entry = tally.get(id);
      if (entry && --entry.count === 0) tally.delete(id);
    }
    let best: { value: ComputedValue; count: number; lastIndex: number } | null = null;
    for (const entry of tally.values()) {
      if (!best || entry.count > best.count || (entry.count === best.count && entry.lastIndex > best.lastIndex)) best = entry;
    }
    return best ? best.value : null;
  };
}
