export interface ItemOrigin {
  connectionId: string;
  runId: string;
  stream: string;
  rowKey: string;
}

/**
 * Where a value came from. Survivorship decides between candidate values by comparing provenances only, so
 * keeping it beside every stored value is what makes the result independent of arrival order.
 */
export interface Provenance {
  sourceId: string;
  /**
   * The connector run and source row of a record a connectors-service sync read (cdp.events.resolved v3); absent
   * for events and POST /v1/records. Carried with the value, never ranked.
   */
  origin?: ItemOrigin;
  /** Effective priority when observed: field priority if configured, else source priority, else 999. 1 is highest. */
  priority: number;
  /** Event timestamp or record observedAt (UTC epoch ms). */
  occurredAt: number;
  messageId: string;
}

/**
 * Plain code-unit comparison, the same order as Postgres `COLLATE "C"` for the ASCII ids Tessera produces, so
 * the database upserts and this code agree on every tie-break.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * $set order: negative when `a` beats `b`. Highest priority (lowest number) first, then the newest timestamp,
 * then the greatest message id (an arbitrary but fixed tie-break: two observations never tie).
 * SQL twin: `(new.priority, old.occurred_at_ms, old.message_id) < (old.priority, new.occurred_at_ms, new.message_id)`.
 */
export function compareSetRank(a: Provenance, b: Provenance): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.occurredAt !== b.occurredAt) return b.occurredAt - a.occurredAt;
  return compareText(b.messageId, a.messageId);
}

/**
 * $set_once order: negative when `a` beats `b`. The first observation by event timestamp wins; equal
 * timestamps fall back to priority, then the smallest message id.
 * SQL twin: `(new.occurred_at_ms, new.priority, new.message_id) < (old.occurred_at_ms, old.priority, old.message_id)`.
 */
export function compareOnceRank(a: Provenance, b: Provenance): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt - b.occurredAt;
  if (a.priority !== b.priority) return a.priority - b.priority;
  return compareText(a.messageId, b.messageId);
}
