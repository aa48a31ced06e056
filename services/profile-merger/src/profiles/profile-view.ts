import type { ProfileSnapshot } from '../storage/profile-snapshot';
import { lifetimeValue, type MoneyContext } from '../survivorship/lifetime-value';
import { orderIdOfKey } from '../survivorship/order-book';
import { orderTotals } from '../survivorship/order-totals';
import type { CampaignTouch } from '../survivorship/profile-state';
import { effectiveTrait } from '../survivorship/profile-state-join';
import type { ItemOrigin } from '../survivorship/provenance';
import { CONSENT_FIELD_PREFIX } from '../survivorship/trait-names';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface TraitProvenanceView {
  sourceId: string;
  priority: number;
  occurredAt: string;
  messageId: string;
  /** set: the $set winner; once: a $set_once value showing because no $set applies. */
  mode: 'set' | 'once';
  /** The connector sync that set the value: connection, run, stream and source row key; null otherwise. */
  origin: ItemOrigin | null;
}

const money = (micros: number): number => micros / 1_000_000;

/**
 * Orders and lifetime value: totals per currency (never summed raw), one total in the reporting currency at the
 * rate table's newest rates, read now (so a rate change shows on the next read), and what could not be counted.
 */
function transactionsView(state: ProfileSnapshot['state'], rates: MoneyContext) {
  const totals = orderTotals(state.orders);
  const ltv = lifetimeValue(totals, rates);
  const last = totals.lastOrder;
  return {
    orderCount: totals.orderCount,
    revenueTotal: money(ltv.totalMicros),
    lifetimeValue: { currency: ltv.currency, total: money(ltv.totalMicros), rates: ltv.ratesUsed },
    byCurrency: Object.fromEntries(
      [...totals.byCurrency]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, t]) => [
          currency,
          { orders: t.orders, revenue: money(t.grossMicros), refunded: money(t.refundedMicros), net: money(t.netMicros) },
        ]),
    ),
    withoutCurrency:
      totals.withoutCurrency.orders > 0 ? { orders: totals.withoutCurrency.orders, net: money(totals.withoutCurrency.netMicros) } : null,
    flags: ltv.flags,
    lastOrder: last
      ? {
          messageId: last.messageId,
          at: iso(last.occurredAt),
          revenue: money(last.amountMicros ?? 0),
          currency: last.currency,
          orderId: orderIdOfKey(last.orderId),
        }
      : null,
  };
}

/** The Customer 360 document of GET /v1/profiles/:id. */
export function profileView(snapshot: ProfileSnapshot, requestedId: string, recentTouches: readonly CampaignTouch[], rates: MoneyContext) {
  const { state } = snapshot;
  // Null-prototype: the keys are users' trait and event names, and a "__proto__" one must stay a key.
  const traits: Record<string, unknown> = Object.create(null);
  const provenance: Record<string, TraitProvenanceView> = Object.create(null);
  const consent: Record<string, unknown> = Object.create(null);
  for (const field of [...state.traits.keys()].sort()) {
    const effective = effectiveTrait(state.traits.get(field) ?? {});
    if (!effective) continue;
    if (field.startsWith(CONSENT_FIELD_PREFIX)) {
      consent[field.slice(CONSENT_FIELD_PREFIX.length)] = effective.value;
      continue;
    }
    const p = effective.cell.provenance;
    traits[field] = effective.value;
    provenance[field] = {
      sourceId: p.sourceId,
      priority: p.priority,
      occurredAt: new Date(p.occurredAt).toISOString(),
      messageId: p.messageId,
      mode: effective.mode,
      origin: p.origin ?? null,
    };
  }
  const eventCounts: Record<string, { count: number; firstAt: string | null; lastAt: string | null }> = Object.create(null);
  for (const name of [...state.counters.keys()].sort()) {
    const counter = state.counters.get(name);
    if (counter) eventCounts[name] = { count: counter.count, firstAt: iso(counter.firstAt), lastAt: iso(counter.lastAt) };
  }
  const touchView = (t: CampaignTouch) => ({
    sourceId: t.sourceId,
    messageId: t.messageId,
    at: iso(t.occurredAt),
    source: t.source,
    medium: t.medium,
    campaign: t.name,
    term: t.term,
    content: t.content,
  });
  return {
    profileId: snapshot.profileId,
    ...(requestedId !== snapshot.profileId ? { redirectedFrom: requestedId } : {}),
    status: snapshot.status,
    version: snapshot.version,
    isTest: state.itemCount > 0 && !state.hasNonTestItem,
    identifiers: snapshot.identifiers,
    bestEmail: snapshot.bestEmail,
    traits,
    traitProvenance: provenance,
    consent,
    summary: { firstSeen: iso(state.firstSeen), lastSeen: iso(state.lastSeen), itemCount: state.itemCount, eventCounts },
    transactions: transactionsView(state, rates),
    campaigns: {
      touchCount: state.campaigns.touchCount,
      firstTouch: state.campaigns.first ? touchView(state.campaigns.first) : null,
      lastTouch: state.campaigns.last ? touchView(state.campaigns.last) : null,
      recentTouches: recentTouches.map(touchView),
    },
  };
}

export type ProfileView = ReturnType<typeof profileView>;
