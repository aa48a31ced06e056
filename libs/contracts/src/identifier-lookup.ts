/**
 * An identifier value as a person types it into a lookup, turned into the form validation stores: emails trimmed
 * and lower-cased; phones in E.164 (`+49 (30) 123-4567`, `0049 30 1234567` → `+49301234567`), so the number a user
 * sent is found as they wrote it. A query string's unencoded `+` arrives as a space; it is restored. A phone without
 * its country code cannot be told from here (validation read it in the source's region), so it is left as typed;
 * `lookupMissHint` says so for the 404.
 */
export function lookupIdentifierValue(type: string, typed: string): string {
  if (type === 'email') return typed.trim().toLowerCase();
  if (type !== 'phone') return typed;
  const text = typed.replace(/^ /, '+').trim();
  const compact = text.replace(/[\s().\-/\u00a0]/g, '').replace(/^00(?=[1-9])/, '+');
  return /^\+[1-9]\d{4,14}$/.test(compact) ? compact : text;
}

/** What a 404 of a lookup adds: a phone written without its country code is asked for one; otherwise nothing. */
export function lookupMissHint(type: string, value: string): string {
  return type === 'phone' && !value.startsWith('+') ? ' (phones are stored in E.164: give the country code, e.g. +49...)' : '';
}
