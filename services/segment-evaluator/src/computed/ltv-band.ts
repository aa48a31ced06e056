import type { TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';

export type LtvBand = {
  band: string | null;
  lifetimeValue: number | null;
  currency: string | null;
  /** Some revenue is left out of the lifetime value (a currency without a rate, orders without a currency). */
  partial: boolean;
  /** Why there is no band, when there is none. */
  reason?: 'currency_mismatch';
};

/**
 * The band of the profile-merger's lifetime value (`revenue_total`, net of refunds, in the reporting currency
 * `revenue_currency`) from the `cdp.profiles.changed` values. "none" below the first band (no orders, or refunded
 * to zero). Time alone never changes it: only a new profile change does.
 */
export function ltvBand(values: Readonly<Record<string, unknown>>, config: PredictionConfig): TimedValue<LtvBand> {
  const lifetimeValue = lifetimeValueOf(values);
  const currency = typeof values.revenue_currency === 'string' ? values.revenue_currency : null;
  const flags = Array.isArray(values.revenue_flags) ? values.revenue_flags : [];
  const partial = flags.some((flag) => typeof flag === 'string' && (flag.startsWith('missing_rate:') || flag === 'missing_currency'));
  if (config.ltvCurrency !== null && currency !== null && currency !== config.ltvCurrency) {
    return { value: { band: null, lifetimeValue, currency, partial, reason: 'currency_mismatch' }, nextChangeAt: null };
  }
  let band = 'none';
  for (const { name, min } of config.ltvBands) if (lifetimeValue !== null && lifetimeValue >= min) band = name;
  return { value: { band, lifetimeValue, currency, partial }, nextChangeAt: null };
}

export function lifetimeValueOf(values: Readonly<Record<string, unknown>>): number | null {
  const total = values.revenue_total;
  return typeof total === 'number' && Number.isFinite(total) ? total : null;
}
