import { lifetimeValue, type MoneyContext } from './lifetime-value';
import { orderTotals } from './order-totals';
import type { ProfileState } from './profile-state';
import { effectiveTrait } from './profile-state-join';
import { CONSENT_FIELD_PREFIX } from './trait-names';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The flat snapshot of the fields segments may use (the `values` of cdp.profiles.changed): traits.<field>,
 * consent.<category>, email (the 1:1 best email), first_seen, last_seen, event_count.<name>, revenue_total (lifetime
 * value in the reporting currency, at the rates of `money`), revenue_currency, revenue.<CUR> (net per currency),
 * revenue_without_currency, revenue_flags, order_count, last_order_at, campaign.*. An absent key means unset.
 */
export function segmentableValues(state: ProfileState, bestEmail: string | null, money: MoneyContext): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of [...state.traits.keys()].sort()) {
    const effective = effectiveTrait(state.traits.get(field) ?? {});
    if (!effective) continue;
    values[field.startsWith(CONSENT_FIELD_PREFIX) ? field : `traits.${field}`] = effective.value;
  }
  if (bestEmail) values.email = bestEmail;
  if (state.firstSeen !== null) values.first_seen = iso(state.firstSeen);
  if (state.lastSeen !== null) values.last_seen = iso(state.lastSeen);
  for (const name of [...state.counters.keys()].sort()) values[`event_count.${name}`] = state.counters.get(name)?.count;
  const totals = orderTotals(state.orders);
  const ltv = lifetimeValue(totals, money);
  values.revenue_total = ltv.totalMicros / 1_000_000;
  values.order_count = totals.orderCount;
  if (totals.orderCount > 0) values.revenue_currency = ltv.currency;
  for (const [currency, total] of [...totals.byCurrency].sort(([a], [b]) => (a < b ? -1 : 1)))
    values[`revenue.${currency}`] = total.netMicros / 1_000_000;
  if (totals.withoutCurrency.orders > 0) values.revenue_without_currency = totals.withoutCurrency.netMicros / 1_000_000;
  if (ltv.flags.length > 0) values.revenue_flags = ltv.flags;
  if (totals.lastOrder) values.last_order_at = iso(totals.lastOrder.occurredAt);
  const { touchCount, first, last } = state.campaigns;
  if (touchCount > 0) values['campaign.touch_count'] = touchCount;
  if (first && last) {
    if (first.source) values['campaign.first_source'] = first.source;
    if (last.source) values['campaign.last_source'] = last.source;
    if (last.medium) values['campaign.last_medium'] = last.medium;
    if (last.name) values['campaign.last_name'] = last.name;
  }
  return values;
}

/** Names whose value differs between two snapshots (added, removed or changed), sorted. */
export function changedFieldNames(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !sameValue(before[name], after[name])).sort();
}

/** Most values are strings and numbers: compared directly; only objects and arrays (traits) go through JSON. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
