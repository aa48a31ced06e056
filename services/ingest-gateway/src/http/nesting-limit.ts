import { jsonPointer } from '@tessera/config';

/**
 * How deep a body may nest objects and arrays, the body itself being level 1. Deeper values parse, but every later
 * step that walks them recursively (JSON.stringify here and in validation, the profile merger's trait walk) runs out
 * of stack on them; refused here, they never get that far. Real tracking data stays within a handful of levels.
 */
export const MAX_NESTING_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** A key written into the path is cut to this many characters, and the path to this many steps. */
const MAX_KEY_CHARS = 40;
const MAX_POINTER_STEPS = 12;

/**
 * Whether the JSON text nests deeper than `limit`: undefined if not, else the JSON Pointer of the first value that
 * does (e.g. "/records/0/attributes/a/0/0/..."). One pass over the bytes, before JSON.parse: strings are skipped with
 * a native search for their closing quote, so a body of mostly text costs little more than that search. Text that is
 * not valid JSON is measured as well as can be and left to JSON.parse to refuse.
 */
export function nestingTooDeep(body: Buffer, limit = MAX_NESTING_DEPTH): string | undefined {
  let depth = 0;
  const end = body.length;
  for (let i = 0; i < end; i++) {
    const c = body[i];
    if (c === QUOTE) {
      i = closingQuote(body, i);
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return pointerOfTooDeep(body, limit);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The offset of the quote that closes the string opening at `start` (the end of the body when there is none). */
function closingQuote(body: Buffer, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = body.indexOf(QUOTE, from);
    if (quote === -1) return body.length;
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

interface Frame {
  array: boolean;
  /** The current member: an index in an array, a key in an object. */
  member: number | string;
  expectKey: boolean;
}

/** The slow second pass, run only when the limit is exceeded: tracks keys and indices to name where. */
function pointerOfTooDeep(body: Buffer, limit: number): string {
  const frames: Frame[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const top = frames[frames.length - 1];
    if (c === QUOTE) {
      const close = closingQuote(body, i);
      if (top && !top.array && top.expectKey) {
        top.member = keyText(body, i, close);
        top.expectKey = false;
      }
      i = close;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length >= limit) return pointer(frames);
      frames.push({ array: c === OPEN_ARRAY, member: c === OPEN_ARRAY ? 0 : '', expectKey: c === OPEN_OBJECT });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
    } else if (c === COMMA && top) {
      if (top.array) top.member = (top.member as number) + 1;
      else top.expectKey = true;
    }
  }
  return pointer(frames);
}

function keyText(body: Buffer, open: number, close: number): string {
  const raw = body.subarray(open, close + 1).toString('utf8');
  let key: string;
  try {
    key = String(JSON.parse(raw));
  } catch {
    key = raw.slice(1, -1);
  }
  return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}...` : key;
}

function pointer(frames: Frame[]): string {
  return (
    jsonPointer('', ...frames.slice(0, MAX_POINTER_STEPS).map((frame) => frame.member)) + (frames.length > MAX_POINTER_STEPS ? '/...' : '')
  );
}
