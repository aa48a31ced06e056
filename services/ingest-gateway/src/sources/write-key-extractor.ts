/** Where the write key came from, or why there is none; plain functions so the rules are unit-tested. */
export type WriteKeyResult = { ok: true; writeKey: string } | { ok: false; message: string };

/**
 * Segment's rules: the key is the Basic-auth username (the password is empty and ignored), or `writeKey` in the
 * body when there is no usable Authorization header.
 */
export function extractWriteKey(authorization: string | undefined, body: unknown): WriteKeyResult {
  if (authorization !== undefined && authorization.trim() !== '') {
    const known = recentHeaders.get(authorization);
    if (known !== undefined) return known;
    const match = /^Basic\s+([A-Za-z0-9+/=_-]*)\s*$/i.exec(authorization.trim());
    if (!match) return { ok: false, message: 'Authorization header must be "Basic base64(<write key>:)"' };
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon === -1 ? decoded : decoded.slice(0, colon);
    if (username !== '') return remember(authorization, { ok: true, writeKey: username });
  }
  const fromBody = bodyWriteKey(body);
  if (fromBody !== undefined) return { ok: true, writeKey: fromBody };
  return { ok: false, message: 'missing write key: send it as the Basic-auth username or as "writeKey" in the body' };
}

/**
 * The usernames of recent Basic headers: an SDK sends the same header on every call, and decoding it was about 2% of
 * a /v1/track call. Only headers that name a key are kept; bounded, and emptied when full (no header is trusted
 * more for being here: the key still goes through the source lookup every time).
 */
const recentHeaders = new Map<string, WriteKeyResult>();
const RECENT_HEADERS_LIMIT = 1_000;

function remember(authorization: string, result: WriteKeyResult): WriteKeyResult {
  if (recentHeaders.size >= RECENT_HEADERS_LIMIT) recentHeaders.clear();
  recentHeaders.set(authorization, result);
  return result;
}

function bodyWriteKey(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as { writeKey?: unknown }).writeKey;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
