import { isUtf8 } from 'node:buffer';

/**
 * The RawEvent fields that carry JSON text, in the order of the offsets a locator returns: field i's value spans
 * bytes [ranges[2i], ranges[2i + 1]) of the request body, or ranges[2i] is -1 when the call has no such key.
 */
export const JSON_TEXT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;
export type JsonTextField = (typeof JSON_TEXT_FIELDS)[number];

/** Per call: start and end offsets of each JSON_TEXT_FIELDS value in the body, -1 for an absent key. */
export type JsonFieldRanges = number[];

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

const FIELD_KEYS = JSON_TEXT_FIELDS.map((name) => Buffer.from(name));
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** Set by numberEnd while valueEnd walks a value: it holds a number whose text JSON.stringify would change in meaning. */
let numberChangesMeaning = false;
const BATCH_KEY = Buffer.from('batch');

/**
 * WHY: serialising each call's properties and context again after JSON.parse built them costs a tenth of the
 * gateway's CPU per event. The JSON text of those values is already in the body, byte for byte as the client sent
 * it, so the RawEvent carries that instead. This finds where it is.
 *
 * The body must already have passed JSON.parse (so it is valid JSON and the walk needs no error handling) and
 * must be valid UTF-8 (otherwise JSON.parse saw U+FFFD where the bytes are invalid, and the bytes are not the
 * text it parsed). Like JSON.parse, the last of duplicate keys wins. Whenever the answer could differ from what
 * JSON.parse saw (a key written with escapes, which may spell one of the keys), the locator answers null and the
 * caller serialises the parsed value instead. A value holding a number that JSON.parse does not read back as
 * written and JSON.stringify would change in meaning (an exponent, which may overflow to Infinity and become
 * null; -0, which becomes 0) is not located either, so it is serialised as before. Other differences (spaces,
 * 1.50 for 1.5, escapes, duplicate keys) are only spelling: JSON.parse reads both texts into the same value.
 */
export function locateCallFields(body: Buffer): JsonFieldRanges | null {
  if (!isUtf8(body)) return null;
  const start = skipWhitespace(body, 0);
  return body[start] === OPEN_OBJECT ? fieldsOf(body, start).ranges : null;
}

/** The ranges of each item of `{ "batch": [...] }`, in order; null for the whole batch or for one item when unsure. */
export function locateBatchItemFields(body: Buffer): (JsonFieldRanges | null)[] | null {
  if (!isUtf8(body)) return null;
  const start = skipWhitespace(body, 0);
  if (body[start] !== OPEN_OBJECT) return null;
  let items: (JsonFieldRanges | null)[] | null = null;
  let i = start + 1;
  for (;;) {
    i = skipWhitespace(body, i);
    if (body[i] === CLOSE_OBJECT) return items;
    const keyStart = i;
    i = stringEnd(body, i);
    const keyEnd = i;
    if (hasEscape(body, keyStart, keyEnd)) return null;
    i = skipWhitespace(body, i) + 1; // the colon
    i = skipWhitespace(body, i);
    if (keyIs(body, keyStart, keyEnd, BATCH_KEY)) {
      // Walked once, item by item; a later "batch" key replaces this one, as in JSON.parse.
      const walked = body[i] === OPEN_ARRAY ? itemsOf(body, i) : null;
      items = walked?.items ?? null;
      i = walked?.end ?? valueEnd(body, i);
    } else {
      i = valueEnd(body, i);
    }
    i = skipWhitespace(body, i);
    if (body[i] === COMMA) i += 1;
  }
}

/** The items of the array at `start` and the offset just past it. */
function itemsOf(body: Buffer, start: number): { items: (JsonFieldRanges | null)[]; end: number } {
  const items: (JsonFieldRanges | null)[] = [];
  let i = start + 1;
  for (;;) {
    i = skipWhitespace(body, i);
    if (body[i] === CLOSE_ARRAY) return { items, end: i + 1 };
    const itemEnd = valueEndOrFields(body, i, items);
    i = skipWhitespace(body, itemEnd);
    if (body[i] === COMMA) i += 1;
  }
}

/** Walks the value at i once: an object's fields go to `items`, anything else adds null. Returns its end. */
function valueEndOrFields(body: Buffer, i: number, items: (JsonFieldRanges | null)[]): number {
  if (body[i] !== OPEN_OBJECT) {
    items.push(null);
    return valueEnd(body, i);
  }
  const walked = fieldsOf(body, i);
  items.push(walked.ranges);
  return walked.end;
}

/** Walks the object at `start`, noting where each JSON_TEXT_FIELDS value is (null if a key has escapes). */
function fieldsOf(body: Buffer, start: number): { ranges: JsonFieldRanges | null; end: number } {
  // A start/end pair per JSON_TEXT_FIELDS entry; an array literal is far cheaper to allocate than a typed array.
  const ranges = [-1, -1, -1, -1, -1, -1, -1, -1];
  let escapedKey = false;
  let i = start + 1;
  for (;;) {
    i = skipWhitespace(body, i);
    if (body[i] === CLOSE_OBJECT) return { ranges: escapedKey ? null : ranges, end: i + 1 };
    const keyStart = i;
    i = stringEnd(body, i);
    const keyEnd = i;
    i = skipWhitespace(body, i) + 1; // the colon
    i = skipWhitespace(body, i);
    const valueStart = i;
    numberChangesMeaning = false;
    i = valueEnd(body, i);
    if (hasEscape(body, keyStart, keyEnd)) escapedKey = true;
    for (let field = 0; field < FIELD_KEYS.length; field++) {
      if (keyIs(body, keyStart, keyEnd, FIELD_KEYS[field])) {
        ranges[2 * field] = numberChangesMeaning ? -1 : valueStart;
        ranges[2 * field + 1] = i;
        break;
      }
    }
    i = skipWhitespace(body, i);
    if (body[i] === COMMA) i += 1;
  }
}

/** Whether the quoted key at [start, end) is exactly `key` (compared without its quotes). */
function keyIs(body: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length + 2) return false;
  for (let k = 0; k < key.length; k++) if (body[start + 1 + k] !== key[k]) return false;
  return true;
}

function hasEscape(body: Buffer, start: number, end: number): boolean {
  for (let k = start + 1; k < end - 1; k++) if (body[k] === BACKSLASH) return true;
  return false;
}

function skipWhitespace(body: Buffer, i: number): number {
  for (;;) {
    const c = body[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i += 1;
  }
}

/** i is at an opening quote; returns the offset just past the closing one. */
function stringEnd(body: Buffer, i: number): number {
  i += 1;
  for (;;) {
    const c = body[i];
    if (c === QUOTE) return i + 1;
    i += c === BACKSLASH ? 2 : 1;
  }
}

/** i is at the first byte of a value; returns the offset just past it. */
function valueEnd(body: Buffer, i: number): number {
  const first = body[i];
  if (first === QUOTE) return stringEnd(body, i);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    for (;;) {
      const c = body[i];
      if (c === QUOTE) {
        i = stringEnd(body, i);
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth -= 1;
        if (depth === 0) return i + 1;
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        i = numberEnd(body, i);
        continue;
      }
      i += 1;
    }
  }
  if (first === MINUS || (first >= ZERO && first <= NINE)) return numberEnd(body, i);
  return literalEnd(body, i);
}

/** true, false or null. */
function literalEnd(body: Buffer, i: number): number {
  for (;;) {
    const c = body[i];
    if (c === undefined || c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
      return i;
    i += 1;
  }
}

/** A number runs to the first byte that cannot be part of one; notes an exponent or a negative zero. */
function numberEnd(body: Buffer, i: number): number {
  const start = i;
  let zeroSoFar = true;
  for (;;) {
    const c = body[i];
    if (c >= ZERO && c <= NINE) {
      if (c !== ZERO) zeroSoFar = false;
    } else if (c === 0x65 || c === 0x45) {
      numberChangesMeaning = true;
    } else if (c !== MINUS && c !== 0x2e && c !== 0x2b) {
      break;
    }
    i += 1;
  }
  if (zeroSoFar && body[start] === MINUS) numberChangesMeaning = true;
  return i;
}
