import type { CommerceKind, CurrencyOrigin } from '@tessera/contracts';
import { ok } from '@tessera/kafka';
import type { EventDraft, JsonObject, Step } from '../pipeline-types';

/** Segment's e-commerce spec: the event that completes an order, when the source names no others. */
export const DEFAULT_ORDER_EVENTS: readonly string[] = ['Order Completed'];
/** Segment's e-commerce spec: the event that refunds an order (all of it, or `total`/`revenue` of it). */
export const REFUND_EVENT = 'Order Refunded';

function orderIdOf(properties: JsonObject | null): string | null {
  for (const value of [properties?.order_id, properties?.orderId]) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

/**
 * Marks order and refund events with what lifetime value needs (CommerceFacts): which track events are orders
 * is the source's setting, so the merger never needs validation's configuration. Runs after
 * commerce-normalization, which already normalized the currency and the amount (revenue, else total). An order
 * without a currency takes the source's default currency; with none, it is marked `missing` (the merger flags
 * it) rather than assumed. A refund without a currency stays `missing`: it refunds in its order's currency. Every other event keeps `commerce: null`: its revenue never counts.
 */
export function orderFactsStep(): Step<EventDraft> {
  return (draft, env) => {
    if (draft.type !== 'track' || draft.event === null) return ok(draft);
    const orderEvents = env.settings?.orderEvents ?? DEFAULT_ORDER_EVENTS;
    const kind: CommerceKind | null = orderEvents.includes(draft.event) ? 'order' : draft.event === REFUND_EVENT ? 'refund' : null;
    if (kind === null) return ok(draft);
    // A refund without a currency is in its order's currency (the merger knows it); the source's default could differ.
    const defaultCurrency = kind === 'order' ? (env.settings?.defaultCurrency ?? null) : null;
    const currency = draft.currency ?? defaultCurrency;
    const currencyOrigin: CurrencyOrigin = draft.currency !== null ? 'event' : defaultCurrency !== null ? 'source_default' : 'missing';
    // A refund subtracts what it returns; shops that book refunds as negative amounts (-30) mean the same 30.
    const amount = kind === 'refund' && draft.revenue !== null ? Math.abs(draft.revenue) : draft.revenue;
    draft.commerce = { kind, orderId: orderIdOf(draft.properties), amount, currency, currencyOrigin };
    return ok(draft);
  };
}
