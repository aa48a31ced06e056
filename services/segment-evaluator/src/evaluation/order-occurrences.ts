/** A history row as stored: the occurrence, its order key (orders and refunds with an id) and its identity. */
export interface StoredOccurrence {
  name: string;
  at: number;
  properties: Record<string, unknown>;
  orderKey: string | null;
  messageId: string;
  sourceId: string;
}

const later = (a: StoredOccurrence, b: StoredOccurrence): boolean =>
  a.at !== b.at ? a.at > b.at : a.messageId !== b.messageId ? a.messageId > b.messageId : a.sourceId > b.sourceId;

/**
 * One occurrence per order key, the latest by (time, message id, source id): the merger's order book keeps the
 * latest fact per order the same way, so a computed sum of revenue agrees with the lifetime value when an order is
 * resent under a new message id (or arrives from a second source), and a resend with a corrected amount wins.
 * Rows without an order key are all kept, in their order.
 */
export function onePerOrder<T extends StoredOccurrence>(rows: readonly T[]): T[] {
  let latest: Map<string, T> | undefined;
  for (const row of rows) {
    if (row.orderKey === null) continue;
    latest ??= new Map();
    const seen = latest.get(row.orderKey);
    if (!seen || later(row, seen)) latest.set(row.orderKey, row);
  }
  return latest ? rows.filter((row) => row.orderKey === null || latest.get(row.orderKey) === row) : [...rows];
}
