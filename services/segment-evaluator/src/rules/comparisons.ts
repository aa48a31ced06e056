import type { Comparison } from './rule';

/**
 * The comparison operators shared by trait conditions and event property filters. `actual` undefined or null is
 * "unset": only neq (true) and exists (false) match it. gt/gte/lt/lte compare two numbers numerically and two
 * strings lexically (ISO-8601 dates therefore compare as dates); anything else does not match.
 */
export function compare(actual: unknown, { op, value }: Comparison): boolean {
  const unset = actual === undefined || actual === null;
  switch (op) {
    case 'exists':
      return value === false ? unset : !unset;
    case 'eq':
      return !unset && sameJson(actual, value);
    case 'neq':
      return unset || !sameJson(actual, value);
    case 'in':
      return !unset && Array.isArray(value) && value.some((candidate) => sameJson(actual, candidate));
    case 'contains':
      if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
      return Array.isArray(actual) && actual.some((item) => sameJson(item, value));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ordered(actual, value, op);
  }
}

function ordered(a: unknown, b: unknown, op: 'gt' | 'gte' | 'lt' | 'lte'): boolean {
  const comparable =
    (typeof a === 'number' && typeof b === 'number' && Number.isFinite(a) && Number.isFinite(b)) ||
    (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === 'gt') return x > y;
  if (op === 'gte') return x >= y;
  if (op === 'lt') return x < y;
  return x <= y;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A property by name, or by dotted path into nested objects when the name itself is absent. */
export function propertyAt(properties: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(properties, path)) return properties[path];
  let current: unknown = properties;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** A trait value as an instant: epoch ms, or an ISO-8601 / RFC date string (a bare date is midnight UTC). */
export function instantOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || value.length === 0) return null;
  let ms = parsedDates.get(value);
  if (ms === undefined) {
    if (parsedDates.size >= PARSED_DATES_KEPT) parsedDates.clear();
    const parsed = Date.parse(value);
    parsedDates.set(value, (ms = Number.isNaN(parsed) ? null : parsed));
  }
  return ms;
}

/**
 * Recently parsed date strings: one profile's date is read by every rule on it (29 segments on the bench read 5
 * dates), and Date.parse was ~3 % of the evaluator's CPU. Bounded by clearing, not by age: a parse is cheap, a
 * lookup cheaper, and the entries of the profiles in flight come back at once.
 */
const parsedDates = new Map<string, number | null>();
const PARSED_DATES_KEPT = 4096;
