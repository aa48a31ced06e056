import { compareText } from './provenance';

export type OrderFactKind = 'order' | 'refund';
/** Where an order's currency came from (the contract's CurrencyOrigin): the event, the source's default, or nowhere. */
export type CurrencyOrigin = 'event' | 'source_default' | 'missing' | 'other';

/** One order or refund event as lifetime value sees it. */
export interface OrderFact {
  messageId: string;
  sourceId: string;
  occurredAt: number;
  /** Millionths of the currency unit (integer sums are exact in any order); null: no amount (a whole-order refund). */
  amountMicros: number | null;
  currency: string | null;
  currencyOrigin: CurrencyOrigin;
}

/** What a profile knows of one order: the order event and the refund event, each the latest seen. */
export interface OrderEntry {
  order?: OrderFact;
  refund?: OrderFact;
}

/**
 * Order key -> entry. An order is counted once per order id, however many messages carry it (an SDK resend with
 * a new messageId, the same order from a second source, two profiles that both hold it and then merge).
 */
export type OrderBook = Map<string, OrderEntry>;

const ITEM_KEY_PREFIX = '$item:';

/** Items without an order id are each their own order: keyed by the item's identity, which no order id can take. */
export function orderKey(orderId: string | null, sourceId: string, messageId: string): string {
  return orderId ?? `${ITEM_KEY_PREFIX}${sourceId}:${messageId}`;
}

/** The order id behind an order key; null for an order that had none. */
export function orderIdOfKey(key: string): string | null {
  return key.startsWith(ITEM_KEY_PREFIX) ? null : key;
}

/**
 * The later of two facts of one order (timestamp, then message id, then source id), so a corrected resend
 * replaces the first, and the result does not depend on arrival order. SQL twin: ORDER_FACT_IS_LATER.
 */
export function laterFact(a: OrderFact | undefined, b: OrderFact | undefined): OrderFact | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.occurredAt !== b.occurredAt) return a.occurredAt > b.occurredAt ? a : b;
  const byMessage = compareText(a.messageId, b.messageId) || compareText(a.sourceId, b.sourceId);
  return byMessage >= 0 ? a : b;
}

/** Folds `from` into `into` (mutating it): per order key and kind, the later fact. Commutative, associative, idempotent. */
export function joinOrderBooks(into: OrderBook, from: OrderBook): OrderBook {
  for (const [key, entry] of from) {
    const current = into.get(key);
    if (!current) {
      into.set(key, { ...entry });
      continue;
    }
    const order = laterFact(current.order, entry.order);
    const refund = laterFact(current.refund, entry.refund);
    into.set(key, { ...(order ? { order } : {}), ...(refund ? { refund } : {}) });
  }
  return into;
}
