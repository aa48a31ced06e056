import type { OrderTotals } from './order-totals';

/** One row of the admin-managed rate table: 1 unit of `currency` is worth `rate` units of the reporting currency. */
export interface CurrencyRate {
  currency: string;
  rate: number;
  /** The day the rate is for (YYYY-MM-DD). */
  date: string;
}

/** The reporting currency and the newest rate of each currency into it. */
export interface MoneyContext {
  reportingCurrency: string;
  rates: ReadonlyMap<string, CurrencyRate>;
}

export const DEFAULT_REPORTING_CURRENCY = 'USD';
export const NO_RATES: MoneyContext = { reportingCurrency: DEFAULT_REPORTING_CURRENCY, rates: new Map() };

export interface LifetimeValue {
  currency: string;
  /** Net revenue of every currency that has a rate, in the reporting currency's millionths. */
  totalMicros: number;
  /** The rates used, by currency (the reporting currency itself needs none). */
  ratesUsed: CurrencyRate[];
  /**
   * `missing_rate:<CUR>` (counted per currency, left out of the total), `missing_currency`, `refund_without_order`,
   * `missing_amount` (an order without `revenue` or `total`, so a lifetime value that looks low says why).
   */
  flags: string[];
}

/**
 * Lifetime value in the reporting currency: each currency's net total converted at the newest rate the table
 * holds for it. A currency without a rate is never taken 1:1: it stays in its own total and is flagged.
 */
export function lifetimeValue(totals: OrderTotals, money: MoneyContext): LifetimeValue {
  const value: LifetimeValue = { currency: money.reportingCurrency, totalMicros: 0, ratesUsed: [], flags: [] };
  for (const currency of [...totals.byCurrency.keys()].sort()) {
    const net = totals.byCurrency.get(currency)?.netMicros ?? 0;
    if (currency === money.reportingCurrency) {
      value.totalMicros += net;
      continue;
    }
    const rate = money.rates.get(currency);
    if (!rate) {
      value.flags.push(`missing_rate:${currency}`);
      continue;
    }
    value.totalMicros += Math.round(net * rate.rate);
    value.ratesUsed.push(rate);
  }
  if (totals.withoutCurrency.orders > 0) value.flags.push('missing_currency');
  if (totals.refundsWithoutOrder > 0) value.flags.push('refund_without_order');
  if (totals.ordersWithoutAmount > 0) value.flags.push('missing_amount');
  return value;
}
