import type { ProfileSnapshot } from '../storage/profile-snapshot';
import type { CampaignTouch } from '../survivorship/profile-state';
import { effectiveTrait } from '../survivorship/profile-state-join';
import { CONSENT_FIELD_PREFIX } from '../survivorship/trait-names';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface TraitProvenanceView {
  sourceId: string;
  priority: number;
  occurredAt: string;
  messageId: string;
  /** set: the $set winner; once: a $set_once value showing because no $set applies. */
  mode: 'set' | 'once';
}

/** The Customer 360 document of GET /v1/profiles/:id. */
export function profileView(snapshot: ProfileSnapshot, requestedId: string, recentTouches: readonly CampaignTouch[]) {
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
    provenance[field] = { sourceId: p.sourceId, priority: p.priority, occurredAt: new Date(p.occurredAt).toISOString(), messageId: p.messageId, mode: effective.cell === state.traits.get(field)?.set ? 'set' : 'once' };
  }
  const eventCounts: Record<string, { count: number; firstAt: string | null; lastAt: string | null }> = Object.create(null);
  for (const name of [...state.counters.keys()].sort()) {
    const counter = state.counters.get(name);
    if (counter) eventCounts[name] = { count: counter.count, firstAt: iso(counter.firstAt), lastAt: iso(counter.lastAt) };
  }
  const touchView = (t: CampaignTouch) => ({ messageId: t.messageId, at: iso(t.occurredAt), source: t.source, medium: t.medium, campaign: t.name, term: t.term, content: t.content });
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
    transactions: {
      revenueTotal: state.revenueMicros / 1_000_000,
      orderCount: state.orderCount,
      lastOrder: state.lastOrder
        ? { messageId: state.lastOrder.messageId, at: iso(state.lastOrder.occurredAt), revenue: state.lastOrder.revenueMicros / 1_000_000, currency: state.lastOrder.currency, orderId: state.lastOrder.orderId }
        : null,
    },
    campaigns: {
      touchCount: state.campaigns.touchCount,
      firstTouch: state.campaigns.first ? touchView(state.campaigns.first) : null,
      lastTouch: state.campaigns.last ? touchView(state.campaigns.last) : null,
      recentTouches: recentTouches.map(touchView),
    },
  };
}

export type ProfileView = ReturnType<typeof profileView>;
