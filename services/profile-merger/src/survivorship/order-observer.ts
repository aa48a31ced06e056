import type { ResolvedItem } from '@tessera/contracts';
import { textOrNull, toMicros, type JsonObject } from './item-context';
import { orderKey, type OrderBook, type OrderFact, type OrderFactKind } from './order-book';

/** Segment's e-commerce spec: the order event of items resolved before validation attached commerce facts. */
export const LEGACY_ORDER_EVENT = 'Order Completed';

interface OrderObservation {
  kind: OrderFactKind;
  orderId: string | null;
  amount: unknown;
  currency: string | null;
}

/**
 * What the item says about an order: validation's commerce facts (cdp.events.resolved v2); an item written before
 * them (v1, commerce null) is read the old way, Order Completed only. Everything else, Checkout Started or
 * Product Added with a revenue included, says nothing about orders.
 */
function observation(
  item: ResolvedItem,
  properties: JsonObject | null,
): (OrderObservation & { origin: OrderFact['currencyOrigin'] }) | null {
  const event = item.event;
  if (!event) return null;
  if (event.commerce) {
    const { kind, orderId, amount, currency, currencyOrigin } = event.commerce;
    return kind === 'other' ? null : { kind, orderId, amount, currency, origin: currencyOrigin };
  }
  if (event.type !== 'track' || event.event !== LEGACY_ORDER_EVENT) return null;
  const currency = event.currency ?? textOrNull(properties?.currency)?.toUpperCase() ?? null;
  return {
    kind: 'order',
    orderId: textOrNull(properties?.order_id) ?? textOrNull(properties?.orderId),
    amount: event.revenue ?? properties?.revenue ?? properties?.total,
    currency,
    origin: currency === null ? 'missing' : 'event',
  };
}

/** The item's order fact as a one-entry order book, or null when it is no order or refund. */
export function observeOrder(item: ResolvedItem, properties: JsonObject | null): OrderBook | null {
  const seen = observation(item, properties);
  if (!seen) return null;
  const fact: OrderFact = {
    messageId: item.messageId,
    sourceId: item.sourceId,
    occurredAt: item.occurredAt,
    amountMicros: toMicros(seen.amount),
    currency: seen.currency,
    currencyOrigin: seen.origin,
  };
  return new Map([[orderKey(seen.orderId, item.sourceId, item.messageId), { [seen.kind]: fact }]]);
}
