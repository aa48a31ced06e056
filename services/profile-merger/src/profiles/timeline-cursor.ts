/**
 * Where a timeline page ended: the last entry's position in the item log's order (occurred_at_ms, message_id,
 * source_id, all descending). Opaque to clients (base64url JSON), so the order can change without breaking them;
 * positions, not offsets, so items arriving meanwhile neither repeat nor skip an entry on the next page.
 */
export interface TimelinePosition {
  occurredAtMs: number;
  messageId: string;
  sourceId: string;
}

export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(JSON.stringify([position.occurredAtMs, position.messageId, position.sourceId])).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service handed out. */
export function decodeTimelineCursor(cursor: string): TimelinePosition | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [occurredAtMs, messageId, sourceId] = parsed as unknown[];
  if (!Number.isSafeInteger(occurredAtMs) || typeof messageId !== 'string' || typeof sourceId !== 'string') return undefined;
  return { occurredAtMs: occurredAtMs as number, messageId, sourceId };
}
