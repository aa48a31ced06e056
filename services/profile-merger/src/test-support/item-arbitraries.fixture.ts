import * as fc from 'fast-check';
import type { ResolvedItem } from '@tessera/contracts';
import { identifyItem, recordItem, trackItem } from './test-items.fixture';

/** fast-check generators of resolved items over a small value space, so values collide and ties happen. */
const sources = fc.constantFrom('crm', 'web', 'mystery');
const fields = fc.constantFrom('firstName', 'plan', 'city', 'email');
const value = fc.oneof(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 3 }), fc.boolean());
const at = fc.integer({ min: 0, max: 20 }).map((n) => 1_700_000_000_000 + n * 1000);
const traitBag = fc.record({
  set: fc.dictionary(fields, value, { maxKeys: 2 }),
  once: fc.dictionary(fields, value, { maxKeys: 2 }),
  unset: fc.subarray(['firstName', 'plan', 'city']),
});

export const itemSpecArbitrary = fc.oneof(
  fc.record({ kind: fc.constant('identify' as const), sourceId: sources, at, bag: traitBag }),
  fc.record({
    kind: fc.constant('track' as const),
    sourceId: sources,
    at,
    event: fc.constantFrom('Viewed', 'Order Completed', 'Order Refunded', 'Checkout Started'),
    revenue: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: null }),
    utm: fc.option(fc.constantFrom('google', 'news'), { nil: null }),
    consent: fc.option(fc.boolean(), { nil: null }),
    // Few order ids and currencies, so resends, refunds before their order and shared orders happen.
    orderId: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: null }),
    currency: fc.constantFrom('EUR', 'USD', 'JPY', null),
    // One track in ten is test traffic.
    testRoll: fc.integer({ min: 0, max: 9 }),
  }),
  // null: the source retracts its value (a row gone from a connector's full refresh).
  fc.record({
    kind: fc.constant('record' as const),
    sourceId: sources,
    at,
    attributes: fc.dictionary(fc.constantFrom('fn', 'plan', 'mail'), fc.oneof(value, fc.constant(null)), { maxKeys: 3 }),
  }),
);

export type ItemSpec = typeof itemSpecArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Builds the item; `emailDomain` keeps emails of independent runs apart. */
export function buildItem(spec: ItemSpec, messageId: string, profileId: string, emailDomain = 'x.io'): ResolvedItem {
  if (spec.kind === 'identify') {
    const set: Record<string, unknown> = { ...spec.bag.set };
    if (typeof set.email === 'string') set.email = `${set.email}@${emailDomain}`;
    return identifyItem({
      profileId,
      messageId,
      sourceId: spec.sourceId,
      at: spec.at,
      traits: { ...set, $set_once: spec.bag.once, $unset: spec.bag.unset },
    });
  }
  if (spec.kind === 'track') {
    const context: Record<string, unknown> = {};
    if (spec.utm) context.campaign = { source: spec.utm };
    if (spec.consent !== null) context.consent = { categoryPreferences: { Advertising: spec.consent } };
    const kind = spec.event === 'Order Completed' ? ('order' as const) : spec.event === 'Order Refunded' ? ('refund' as const) : null;
    const commerce = kind && {
      kind,
      orderId: spec.orderId,
      amount: spec.revenue,
      currency: spec.currency,
      currencyOrigin: spec.currency ? ('event' as const) : ('missing' as const),
    };
    return trackItem({
      profileId,
      messageId,
      sourceId: spec.sourceId,
      at: spec.at,
      event: spec.event,
      revenue: spec.revenue,
      context,
      properties: spec.orderId ? { order_id: spec.orderId } : {},
      commerce,
      isTest: spec.testRoll === 0,
    });
  }
  const attributes = {
    ...spec.attributes,
    mail: typeof spec.attributes.mail === 'string' ? `${spec.attributes.mail}@${emailDomain}` : undefined,
  };
  return recordItem({
    profileId,
    messageId,
    sourceId: spec.sourceId,
    at: spec.at,
    attributes,
    mapping: { fn: 'given-name', mail: 'email' },
  });
}

/** A deterministic permutation from a seed (fast-check shrinks the seed). */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
