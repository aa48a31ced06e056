import type { OrderBook, OrderFact } from './order-book';

export interface CurrencyTotal {
  currency: string;
  /** Orders placed in this currency. */
  orders: number;
  grossMicros: number;
  /** Refunds booked in this currency. */
  refundedMicros: number;
  netMicros: number;
}

export interface LastOrder extends OrderFact {
  orderId: string;
}

/** What a profile's orders add up to, per currency: never one raw sum across currencies. */
export interface OrderTotals {
  orderCount: number;
  byCurrency: Map<string, CurrencyTotal>;
  /** Orders whose event had no currency and whose source has no default currency: counted, never converted. */
  withoutCurrency: { orders: number; netMicros: number };
  /** Refund events whose order this profile never saw: kept (the order may still arrive), not subtracted. */
  refundsWithoutOrder: number;
  /** Orders whose event carried no amount (no `revenue` or `total`): counted as orders, adding nothing. */
  ordersWithoutAmount: number;
  lastOrder: LastOrder | null;
}

const emptyTotal = (currency: string): CurrencyTotal => ({ currency, orders: 0, grossMicros: 0, refundedMicros: 0, netMicros: 0 });

/**
 * Derives the totals from the order book (never summed item by item, so a resend or a merge of two profiles
 * holding the same order cannot count it twice). A refund subtracts its amount, or the whole order when it
 * has none, in its own currency, else the order's.
 */
export function orderTotals(book: OrderBook): OrderTotals {
  const totals: OrderTotals = {
    orderCount: 0,
    byCurrency: new Map(),
    withoutCurrency: { orders: 0, netMicros: 0 },
    refundsWithoutOrder: 0,
    ordersWithoutAmount: 0,
    lastOrder: null,
  };
  const bucket = (currency: string): CurrencyTotal => {
    let total = totals.byCurrency.get(currency);
    if (!total) totals.byCurrency.set(currency, (total = emptyTotal(currency)));
    return total;
  };
  for (const [key, { order, refund }] of [...book].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!order) {
      if (refund) totals.refundsWithoutOrder += 1;
      continue;
    }
    totals.orderCount += 1;
    if (order.amountMicros === null) totals.ordersWithoutAmount += 1;
    const amount = order.amountMicros ?? 0;
    if (order.currency === null) {
      totals.withoutCurrency.orders += 1;
      totals.withoutCurrency.netMicros += amount;
    } else {
      const total = bucket(order.currency);
      total.orders += 1;
      total.grossMicros += amount;
      total.netMicros += amount;
    }
    if (refund) {
      const refunded = refund.amountMicros ?? amount;
      const currency = refund.currency ?? order.currency;
      if (currency === null) {
        totals.withoutCurrency.netMicros -= refunded;
      } else {
        const total = bucket(currency);
        total.refundedMicros += refunded;
        total.netMicros -= refunded;
      }
    }
    if (
      !totals.lastOrder ||
      order.occurredAt > totals.lastOrder.occurredAt ||
      (order.occurredAt === totals.lastOrder.occurredAt && order.messageId > totals.lastOrder.messageId)
    ) {
      totals.lastOrder = { ...order, orderId: key };
    }
  }
  return totals;
}
