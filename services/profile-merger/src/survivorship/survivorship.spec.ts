import * as fc from 'fast-check';
import { isProfileValueName, type ResolvedItem } from '@tessera/contracts';
import { assignBestEmails } from './best-email-assignment';
import { observeItem } from './item-observer';
import type { MoneyContext } from './lifetime-value';
import type { PriorityConfig } from './priority-config';
import { emptyProfileState, type ProfileState } from './profile-state';
import { bestEmailCandidate, joinProfileState } from './profile-state-join';
import { segmentableValues } from './segmentable-values';
import { buildItem, itemSpecArbitrary, shuffle } from '../test-support/item-arbitraries.fixture';
import { identifyItem, recordItem, trackItem } from '../test-support/test-items.fixture';

/** The fixtures' orders are in EUR: reported in EUR, they need no rate. */
const EUR_REPORTING: MoneyContext = { reportingCurrency: 'EUR', rates: new Map() };

const config: PriorityConfig = {
  sources: new Map([
    ['crm', 1],
    ['web', 5],
  ]),
  fields: new Map([['web', new Map([['plan', 1]])]]),
};

function fold(items: readonly ResolvedItem[], cfg: PriorityConfig = config): ProfileState {
  return items.reduce((state, item) => joinProfileState(state, observeItem(item, cfg)), emptyProfileState());
}

const view = (items: readonly ResolvedItem[]): Record<string, unknown> => {
  const state = fold(items);
  return segmentableValues(state, bestEmailCandidate(state.emails), EUR_REPORTING);
};

describe('survivorship', () => {
  it('a CRM record (priority 1) beats a newer web identify (priority 5) on given-name', () => {
    const crm = recordItem({ messageId: 'm1', sourceId: 'crm', at: 1000, attributes: { first: 'Jane' }, mapping: { first: 'given-name' } });
    const web = identifyItem({ messageId: 'm2', sourceId: 'web', at: 2000, traits: { firstName: 'Janey' } });
    expect(view([crm, web])['traits.given-name']).toBe('Jane');
    expect(view([web, crm])['traits.given-name']).toBe('Jane');
  });

  it('field priority overrides source priority: a web identify wins plan over the CRM', () => {
    const crm = recordItem({ messageId: 'm1', sourceId: 'crm', at: 3000, attributes: { plan: 'free' }, mapping: {} });
    const web = identifyItem({ messageId: 'm2', sourceId: 'web', at: 2000, traits: { plan: 'pro' } });
    // equal priority (1) now: the newer CRM record wins; a newer web identify takes it back
    expect(view([crm, web])['traits.plan']).toBe('free');
    const newerWeb = identifyItem({ messageId: 'm3', sourceId: 'web', at: 4000, traits: { plan: 'team' } });
    expect(view([newerWeb, crm, web])['traits.plan']).toBe('team');
  });

  it('an unlisted source has priority 999 and loses to any listed one', () => {
    const web = identifyItem({ messageId: 'm1', sourceId: 'web', at: 1000, traits: { city: 'Oslo' } });
    const other = identifyItem({ messageId: 'm2', sourceId: 'mystery', at: 9000, traits: { city: 'Rome' } });
    expect(view([web, other])['traits.city']).toBe('Oslo');
  });

  it('equal priority and timestamp: the greater message id wins, whatever the order', () => {
    const a = identifyItem({ messageId: 'a', sourceId: 'web', at: 1000, traits: { city: 'A' } });
    const b = identifyItem({ messageId: 'b', sourceId: 'web', at: 1000, traits: { city: 'B' } });
    expect(view([a, b])['traits.city']).toBe('B');
    expect(view([b, a])['traits.city']).toBe('B');
  });

  it('$unset is a tombstone: an older $set arriving later does not resurrect the value', () => {
    const set = identifyItem({ messageId: 'm1', sourceId: 'web', at: 1000, traits: { plan2: 'x' } });
    const unset = identifyItem({ messageId: 'm2', sourceId: 'web', at: 2000, traits: { $unset: ['plan2'] } });
    expect(view([unset, set])).not.toHaveProperty('traits.plan2');
    expect(view([set, unset])).not.toHaveProperty('traits.plan2');
  });

  it("a record's null retracts its source's value: the field falls back to the next source by priority, in any order", () => {
    const crm = recordItem({ messageId: 'c1', sourceId: 'crm', at: 1000, attributes: { tier: 'gold' }, mapping: {} });
    const web = identifyItem({ messageId: 'w1', sourceId: 'web', at: 2000, traits: { tier: 'silver' } });
    const crmGone = recordItem({ messageId: 'c2', sourceId: 'crm', at: 3000, attributes: { tier: null }, mapping: {} });
    expect(view([crm, web])['traits.tier']).toBe('gold');
    for (const order of [
      [crm, web, crmGone],
      [crmGone, web, crm],
      [web, crmGone, crm],
    ])
      expect(view(order)['traits.tier']).toBe('silver');
    // only the CRM had it: gone altogether
    expect(view([crm, crmGone])).not.toHaveProperty('traits.tier');
    // a later CRM value sets it again; an older one arriving late does not
    const crmBack = recordItem({ messageId: 'c3', sourceId: 'crm', at: 4000, attributes: { tier: 'platinum' }, mapping: {} });
    expect(view([crmBack, crmGone, crm, web])['traits.tier']).toBe('platinum');
    expect(view([crmGone, crm])).not.toHaveProperty('traits.tier');
  });

  it("a record's null retracts only its own source: another record source's value stays, and a web $unset still erases lower ranks", () => {
    const crm = recordItem({ messageId: 'c1', sourceId: 'crm', at: 1000, attributes: { tier: 'gold' }, mapping: {} });
    const billingGone = recordItem({ messageId: 'b1', sourceId: 'billing', at: 5000, attributes: { tier: null }, mapping: {} });
    expect(view([crm, billingGone])['traits.tier']).toBe('gold');
    const webUnset = identifyItem({ messageId: 'w1', sourceId: 'web', at: 2000, traits: { $unset: ['city'] } });
    const crmCity = recordItem({ messageId: 'c2', sourceId: 'mystery', at: 1000, attributes: { city: 'Oslo' }, mapping: {} });
    expect(view([crmCity, webUnset])).not.toHaveProperty('traits.city');
  });

  it('$set_once keeps the first value by event timestamp; $set overrides it', () => {
    const late = identifyItem({ messageId: 'm2', sourceId: 'web', at: 2000, traits: { $set_once: { signup: 'late' } } });
    const early = identifyItem({ messageId: 'm1', sourceId: 'web', at: 1000, traits: { $set_once: { signup: 'early' } } });
    expect(view([late, early])['traits.signup']).toBe('early');
    const set = identifyItem({ messageId: 'm3', sourceId: 'web', at: 500, traits: { signup: 'forced' } });
    expect(view([late, early, set])['traits.signup']).toBe('forced');
  });

  it('computes first/last seen, counts, revenue, orders, campaigns and consent', () => {
    const values = view([
      trackItem({ messageId: 'o1', sourceId: 'web', at: 2000, event: 'Order Completed', revenue: 10.1, properties: { order_id: 'A' } }),
      trackItem({ messageId: 'o2', sourceId: 'web', at: 3000, event: 'Order Completed', revenue: 0.2, properties: { order_id: 'B' } }),
      trackItem({
        messageId: 'v1',
        sourceId: 'web',
        at: 1000,
        event: 'Viewed',
        context: { campaign: { source: 'google', medium: 'cpc', name: 'spring' } },
      }),
      trackItem({
        messageId: 'v2',
        sourceId: 'web',
        at: 4000,
        event: 'Viewed',
        context: {
          page: { url: 'https://x.io/?utm_source=news&utm_campaign=may' },
          consent: { categoryPreferences: { Advertising: false } },
        },
      }),
    ]);
    expect(values).toMatchObject({
      first_seen: new Date(1000).toISOString(),
      last_seen: new Date(4000).toISOString(),
      'event_count.Order Completed': 2,
      'event_count.Viewed': 2,
      revenue_total: 10.3,
      order_count: 2,
      last_order_at: new Date(3000).toISOString(),
      'campaign.touch_count': 2,
      'campaign.first_source': 'google',
      'campaign.last_source': 'news',
      'campaign.last_name': 'may',
      'consent.Advertising': false,
    });
  });

  it('merging two profiles folds counts and re-decides traits', () => {
    const left = fold([
      identifyItem({ messageId: 'm1', sourceId: 'web', at: 1000, traits: { firstName: 'Web' } }),
      trackItem({ messageId: 't1', sourceId: 'web', at: 1500, event: 'Viewed' }),
    ]);
    const right = fold([
      recordItem({ messageId: 'm2', sourceId: 'crm', at: 500, attributes: { fn: 'Crm' }, mapping: { fn: 'given-name' } }),
      trackItem({ messageId: 't2', sourceId: 'web', at: 2500, event: 'Viewed' }),
    ]);
    const merged = segmentableValues(joinProfileState(left, right), null, EUR_REPORTING);
    expect(merged).toMatchObject({
      'traits.given-name': 'Crm',
      'event_count.Viewed': 2,
      first_seen: new Date(500).toISOString(),
      last_seen: new Date(2500).toISOString(),
    });
  });

  it('best email is 1:1: each email goes to at most one profile, by priority then recency', () => {
    const prov = (priority: number, occurredAt: number, messageId: string) => ({ sourceId: 's', priority, occurredAt, messageId });
    const best = assignBestEmails([
      { email: 'a@x.io', profileId: 'p1', provenance: prov(5, 100, 'm1') },
      { email: 'a@x.io', profileId: 'p2', provenance: prov(1, 50, 'm2') },
      { email: 'b@x.io', profileId: 'p1', provenance: prov(5, 10, 'm3') },
      { email: 'c@x.io', profileId: 'p3', provenance: prov(5, 10, 'm4') },
      { email: 'c@x.io', profileId: 'p3', provenance: prov(5, 20, 'm5') },
    ]);
    expect(Object.fromEntries(best)).toEqual({ p2: 'a@x.io', p1: 'b@x.io', p3: 'c@x.io' });
  });

  it('best email agrees with lookup: the profile holding the email identifier owns it, even against a better observation', () => {
    const prov = (priority: number, occurredAt: number, messageId: string) => ({ sourceId: 's', priority, occurredAt, messageId });
    const observations = [
      { email: 'family@x.io', profileId: 'p1', provenance: prov(5, 100, 'm1') },
      { email: 'family@x.io', profileId: 'p2', provenance: prov(1, 200, 'm2') },
    ];
    expect(Object.fromEntries(assignBestEmails(observations, new Map([['family@x.io', 'p1']])))).toEqual({ p1: 'family@x.io' });
    expect(Object.fromEntries(assignBestEmails(observations))).toEqual({ p2: 'family@x.io' });
  });
});

describe('survivorship property: arrival order never matters', () => {
  it('random events applied in random orders give identical profiles', () => {
    fc.assert(
      fc.property(fc.array(itemSpecArbitrary, { minLength: 1, maxLength: 25 }), fc.nat(), (specs, seed) => {
        const items = specs.map((spec, index) => buildItem(spec, `m-${index.toString().padStart(3, '0')}`, 'p-1'));
        const shuffled = shuffle(items, seed);
        // and a split into two halves folded separately, then joined (a merge of two profiles)
        const half = Math.floor(shuffled.length / 2);
        const merged = joinProfileState(fold(shuffled.slice(half)), fold(shuffled.slice(0, half)));
        const expected = view(items);
        expect(view(shuffled)).toEqual(expected);
        expect(segmentableValues(merged, bestEmailCandidate(merged.emails), EUR_REPORTING)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("writes only value names the contract lists, which segments' rules and syncs' mappings are checked against", () => {
    fc.assert(
      fc.property(fc.array(itemSpecArbitrary, { minLength: 1, maxLength: 25 }), (specs) => {
        const names = Object.keys(view(specs.map((spec, index) => buildItem(spec, `m-${index}`, 'p-1'))));
        expect(names.filter((name) => !isProfileValueName(name))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
