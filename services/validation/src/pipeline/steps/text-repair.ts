import { setOwn } from './own-properties';

/**
 * Text Postgres cannot store: `text` and `jsonb` refuse NUL (U+0000), and `jsonb` refuses a lone UTF-16
 * surrogate ("\ud800" with no partner). Passed on, such values would fail the resolver or the merger on every
 * replay; validation repairs them here, once, for every service downstream.
 */

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const NEEDS_REPAIR = /[\u0000\uD800-\uDFFF]/;

/** How deep user JSON may nest; deeper values are refused before any recursive walk can overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Where JSON text first nests deeper than `max` (the character offset), or -1. A linear scan over the text, run
 * before JSON.parse: V8 parses deep nesting slowly (about 5 ms for 5,000 levels), so a poison value is refused
 * for the cost of reading it once.
 */
export function jsonDepthExceeded(text: string, max = MAX_JSON_DEPTH): number {
  if (!hasMoreOpenings(text, max)) return -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return -1;
}

const OPENING = /[{[]/g;

/** Fast path (native regex, about 3x quicker than the scan): fewer than `max` + 1 brackets cannot nest deeper. */
function hasMoreOpenings(text: string, max: number): boolean {
  OPENING.lastIndex = 0;
  for (let count = 0; OPENING.exec(text) !== null;) if (++count > max) return true;
  return false;
}

/**
 * Whether parsed JSON text can hold anything repairText changes: a NUL or a surrogate is either escaped in the text
 * (`\u0000`, `\ud800`) or raw (a raw NUL is invalid JSON; a raw lone surrogate cannot survive the UTF-8 decoding
 * of an Avro string, but a raw pair can). Most events have none, and skip the walk over every key and value.
 */
export function jsonTextMayNeedRepair(text: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])|[\uD800-\uDFFF]/.test(text);
}

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** NUL bytes removed, lone surrogates replaced by U+FFFD; the same string when there is nothing to repair. */
export function repairText(text: string): string {
  if (!NEEDS_REPAIR.test(text)) return text;
  return text.replace(/\u0000/g, '').replace(LONE_SURROGATE, '\uFFFD');
}

export type JsonRepair = { value: unknown; repaired: number } | { tooDeep: string };

/**
 * Repairs every key and string value of a parsed JSON value. Objects are rebuilt only when something changed, with
 * keys defined as own data properties (so a "__proto__" key stays a key). `repaired` counts the strings changed.
 * A value nested deeper than MAX_JSON_DEPTH answers `tooDeep` with the path where it went too deep.
 */
export function repairJson(value: unknown, path: string, depth = 0): JsonRepair {
  if (typeof value === 'string') {
    const fixed = repairText(value);
    return { value: fixed, repaired: fixed === value ? 0 : 1 };
  }
  if (value === null || typeof value !== 'object') return { value, repaired: 0 };
  if (depth >= MAX_JSON_DEPTH) return { tooDeep: path };
  let repaired = 0;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = repairJson(value[i], `${path}[${i}]`, depth + 1);
      if ('tooDeep' in item) return item;
      out[i] = item.value;
      repaired += item.repaired;
    }
    return { value: repaired === 0 ? value : out, repaired };
  }
  const entries: [string, unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    const fixedKey = repairText(key);
    if (fixedKey !== key) repaired += 1;
    const item = repairJson(child, `${path}.${fixedKey}`, depth + 1);
    if ('tooDeep' in item) return item;
    entries.push([fixedKey, item.value]);
    repaired += item.repaired;
  }
  if (repaired === 0) return { value, repaired: 0 };
  const out: Record<string, unknown> = {};
  for (const [key, child] of entries) setOwn(out, key, child);
  return { value: out, repaired };
}

/** The violation a valid event carries for each field whose text was repaired. */
export function repairedTextViolation(path: string, strings: number): { reason: 'repaired_text'; detail: string; path: string } {
  return {
    reason: 'repaired_text',
    detail: `NUL bytes removed or lone UTF-16 surrogates replaced by U+FFFD in ${strings} string${strings === 1 ? '' : 's'}`,
    path,
  };
}
