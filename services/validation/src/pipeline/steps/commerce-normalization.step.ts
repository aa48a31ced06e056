import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, Step } from '../pipeline-types';
import { aboutEvent } from './about';

/** ISO 4217 codes as Node's ICU knows them (Intl.supportedValuesOf needs full ICU, the Node default). */
const ISO_4217: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number, or numeric text such as "12.50"; undefined otherwise. */
export function toAmount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value.trim());
  return undefined;
}

/**
 * The largest amount accepted, in either direction: far above any real order, and small enough that every service holds
 * it exactly: the merger keeps micro-units, and 1e9 units are 1e15 micro-units, inside a double's exact integers
 * (2^53, about 9e15) and far inside its bigint columns (about 9.2e18), so even thousands of such orders sum safely.
 */
export const MAX_AMOUNT = 1e9;

/** A numeric amount (number or numeric text) that is infinite ("1e400" parses to Infinity) or beyond ±MAX_AMOUNT. */
function isOutOfRange(value: unknown): boolean {
  const numeric =
    typeof value === 'number' ? value : typeof value === 'string' && NUMERIC_TEXT.test(value.trim()) ? Number(value.trim()) : undefined;
  return numeric !== undefined && !(Math.abs(numeric) <= MAX_AMOUNT);
}

export function isIsoCurrency(code: string): boolean {
  return ISO_4217.has(code);
}

/**
 * Currency to upper-case ISO 4217 (an unknown code is a typed rejection: revenue in an unknown currency cannot be
 * summed), revenue (or total, as Segment's ecommerce spec allows) to a number; an infinite or out-of-range amount
 * is `invalid_revenue` (it would otherwise overflow a money column downstream, on every replay). An event carrying either is a
 * transaction for the report; it is well-formed when its amount is a number and it has a currency, its own or the
 * source's default (without one the merger flags the order `missing_currency` and leaves it out of the total).
 */
export function commerceNormalizationStep(): Step<EventDraft> {
  return (draft, env) => {
    const properties = draft.properties;
    if (!properties) return ok(draft);
    const amountField =
      properties.revenue !== undefined && properties.revenue !== null
        ? 'revenue'
        : properties.total !== undefined && properties.total !== null
          ? 'total'
          : undefined;
    const hasCurrency = properties.currency !== undefined && properties.currency !== null;
    if (!amountField && !hasCurrency) return ok(draft);
    env.observations.transactionsSeen += 1;

    if (hasCurrency) {
      const code = typeof properties.currency === 'string' ? properties.currency.trim().toUpperCase() : '';
      if (!isIsoCurrency(code)) {
        return dlq(
          'invalid_currency',
          `currency ${JSON.stringify(properties.currency)} is not an ISO 4217 code`,
          'properties.currency',
          aboutEvent(draft.raw),
        );
      }
      properties.currency = code;
      draft.currency = code;
    }
    if (amountField) {
      const value = properties[amountField];
      if (isOutOfRange(value)) {
        return dlq(
          'invalid_revenue',
          `${amountField} ${JSON.stringify(value)?.slice(0, 60) ?? String(value)} is not a finite amount within ±${MAX_AMOUNT.toExponential()}`,
          `properties.${amountField}`,
          aboutEvent(draft.raw),
        );
      }
      const amount = toAmount(value);
      if (amount !== undefined) {
        properties[amountField] = amount;
        draft.revenue = amount;
        // An amount is summable only in a known currency: the event's own, or the source's default (order-facts).
        if (draft.currency !== null || env.settings?.defaultCurrency) env.observations.transactionsWellFormed += 1;
      }
    }
    return ok(draft);
  };
}
