import type { Json } from '../test-support/scenario-client';
import { eventCount, identifiersOf, timeAfter, type ScenarioSuite } from '../test-support/scenario-suite';

/**
 * Operating scenarios through the whole running pipeline (gateway, validation, resolver, merger as processes on
 * the embedded broker and Postgres): many merges racing across partitions, a tracking-plan rejection replayed
 * after the fix, and test traffic. Assertions read the public HTTP APIs only.
 */

const at = timeAfter(Date.UTC(2026, 1, 1));

/** A fixed permutation (a linear congruential shuffle), so a failure replays the same interleaving. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function pipelineOperationsScenarios({ client, send }: ScenarioSuite): void {
  it('people on three devices each, logging in right behind their anonymous browsing, end as one profile each with exact counts', async () => {
    const people = Array.from({ length: 15 }, (_, i) => ({ userId: `u-ops-${i}`, devices: [1, 2, 3].map((d) => `anon-ops-${i}-${d}`) }));
    const browsing = people.flatMap((person, i) =>
      person.devices.flatMap((anonymousId, d) =>
        Array.from({ length: d + 1 }, (_, n) => ({
          type: 'track',
          anonymousId,
          event: 'Product Viewed',
          timestamp: at(i * 100 + d * 10 + n),
          messageId: `${anonymousId}-view-${n}`,
        })),
      ),
    );
    const logins = people.flatMap((person, i) =>
      person.devices.map((anonymousId, d) => ({
        type: 'identify',
        userId: person.userId,
        anonymousId,
        traits: { device: d },
        timestamp: at(i * 100 + 50 + d),
        messageId: `${anonymousId}-login`,
      })),
    );
    // One batch of browsing (keyed by device, so spread over partitions) and the logins right behind it: merges
    // and the items they move race each other in the resolver and the merger.
    await send('batch', { batch: shuffled(browsing, 7) });
    await send('batch', { batch: shuffled(logins, 11) });

    const profiles = await Promise.all(
      people.map((person) => client.waitForProfile('user_id', person.userId, (p) => p.summary.itemCount === 9, 60_000)),
    );
    for (const [i, profile] of profiles.entries()) {
      const person = people[i];
      expect({ person: person.userId, views: eventCount(profile, 'Product Viewed'), identifies: eventCount(profile, '$identify') }).toEqual(
        { person: person.userId, views: 6, identifies: 3 },
      );
      expect(identifiersOf(profile)).toEqual([...person.devices.map((anon) => `anonymous_id:${anon}`), `user_id:${person.userId}`].sort());
      expect(profile.summary).toMatchObject({ firstSeen: at(i * 100), lastSeen: at(i * 100 + 52) });
      for (const anon of person.devices) {
        expect({
          anon,
          merger: (await client.profileByIdentifier('anonymous_id', anon)).body.profileId,
          resolver: (await client.identity('anonymous_id', anon)).body.profileId,
        }).toEqual({ anon, merger: profile.profileId, resolver: profile.profileId });
      }
      // every profile a merge absorbed redirects to this one, in both services
      for (const merge of (await client.merges(profile.profileId)).merges) {
        expect((await client.profile(merge.absorbedProfileId)).body).toMatchObject({
          profileId: profile.profileId,
          redirectedFrom: merge.absorbedProfileId,
        });
      }
    }
    expect(new Set(profiles.map((p) => p.profileId)).size).toBe(people.length);
  }, 120_000);

  it('a person on two devices whose calls all arrive newest first ends like one whose calls arrive in order', async () => {
    const history = (who: string) => [
      {
        type: 'track',
        anonymousId: `anon-${who}-phone`,
        event: 'Product Viewed',
        context: { campaign: { source: 'instagram', medium: 'social' } },
        timestamp: at(3000),
        messageId: `${who}-1`,
      },
      {
        type: 'identify',
        anonymousId: `anon-${who}-phone`,
        traits: { firstName: 'Ola', $set_once: { first_device: 'phone' } },
        timestamp: at(3010),
        messageId: `${who}-2`,
      },
      {
        type: 'track',
        anonymousId: `anon-${who}-laptop`,
        event: 'Product Viewed',
        context: { consent: { categoryPreferences: { Advertising: false } } },
        timestamp: at(3020),
        messageId: `${who}-3`,
      },
      {
        type: 'identify',
        userId: `u-${who}`,
        anonymousId: `anon-${who}-laptop`,
        traits: { firstName: 'Olaf', $set_once: { first_device: 'laptop' } },
        timestamp: at(3030),
        messageId: `${who}-4`,
      },
      {
        type: 'track',
        userId: `u-${who}`,
        anonymousId: `anon-${who}-phone`,
        event: 'Order Completed',
        properties: { revenue: 99.99, order_id: `${who}-o1` },
        context: { consent: { categoryPreferences: { Advertising: true } } },
        timestamp: at(3040),
        messageId: `${who}-5`,
      },
      {
        type: 'identify',
        userId: `u-${who}`,
        traits: { $unset: ['first_device'], plan: 'gold' },
        timestamp: at(3050),
        messageId: `${who}-6`,
      },
    ];
    for (const call of history('ola-in')) await send(call.type, call);
    for (const call of history('ola-rev').reverse()) await send(call.type, call);

    const done = (p: Json) => p.summary.itemCount === 6;
    const inOrder = await client.waitForProfile('user_id', 'u-ola-in', done);
    const reversed = await client.waitForProfile('user_id', 'u-ola-rev', done);
    const comparable = (p: Json) => ({
      traits: p.traits,
      consent: p.consent,
      summary: p.summary,
      transactions: { revenueTotal: p.transactions.revenueTotal, orderCount: p.transactions.orderCount },
      campaigns: { touchCount: p.campaigns.touchCount, first: p.campaigns.firstTouch?.source },
      identifierTypes: p.identifiers.map((i: Json) => i.type).sort(),
    });
    expect(comparable(reversed)).toEqual(comparable(inOrder));
    expect(inOrder.traits).toEqual({ 'given-name': 'Olaf', plan: 'gold' });
    expect(inOrder.consent).toEqual({ Advertising: true });
    // no currency on the order and none as the dev source's default: counted apart and flagged
    expect(inOrder.transactions).toMatchObject({ withoutCurrency: { orders: 1, net: 99.99 }, flags: ['missing_currency'], orderCount: 1 });
    expect(identifiersOf(reversed)).toEqual(['anonymous_id:anon-ola-rev-laptop', 'anonymous_id:anon-ola-rev-phone', 'user_id:u-ola-rev']);
  });

  it("a national phone number from a source whose default region is the US links to the web's E.164 phone", async () => {
    const store = await client.createSource('store-pos');
    await client.putSourceSettings(store.id, { defaultRegion: 'US' });
    await send('identify', { userId: 'u-phone', traits: { phone: '+1 415 555 0199' }, timestamp: at(4000), messageId: 'phone-web' });
    await client.waitForProfile('user_id', 'u-phone', (p) => p.summary.itemCount === 1);
    await client.sendRecords(store.writeKey, {
      mapping: { Tel: 'phone' },
      records: [
        { recordId: 'pos-42', objectType: 'loyalty_member', observedAt: at(4010), attributes: { Tel: '(415) 555-0199', Points: 120 } },
      ],
    });
    const profile = await client.waitForProfile('user_id', 'u-phone', (p) => p.summary.itemCount === 2);
    expect(identifiersOf(profile)).toContain('phone:+14155550199');
    expect(profile.traits).toMatchObject({ phone: '+14155550199', Points: 120 });
    expect(eventCount(profile, '$record:loyalty_member')).toBe(1);
  });

  it('a tracking plan rejects an unplanned event; after the plan is fixed, a replay brings it to the profile as it was sent', async () => {
    const shop = await client.createSource('shop');
    await client.putTrackingPlan(shop.id, { mode: 'reject', allowUnplannedEvents: false, events: [{ name: 'Order Completed' }] });
    await client.send(shop.writeKey, 'track', {
      userId: 'u-plan',
      event: 'Coupon Applied',
      properties: { code: 'SPRING' },
      timestamp: at(1000),
      messageId: 'plan-coupon',
    });
    await client.send(shop.writeKey, 'track', {
      userId: 'u-plan',
      event: 'Order Completed',
      properties: { revenue: 20, order_id: 'plan-o1' },
      timestamp: at(1001),
      messageId: 'plan-order',
    });

    const before = await client.waitForProfile('user_id', 'u-plan', (p) => eventCount(p, 'Order Completed') === 1);
    expect(eventCount(before, 'Coupon Applied')).toBeUndefined();
    const rejection = await client.waitForMatch(
      () => client.rejections(shop.id),
      (r) => r.messageId === 'plan-coupon',
    );
    expect(rejection).toMatchObject({ reason: 'unplanned_event', service: 'validation' });

    await client.putTrackingPlan(shop.id, {
      mode: 'reject',
      allowUnplannedEvents: false,
      events: [{ name: 'Order Completed' }, { name: 'Coupon Applied' }],
    });
    expect(await client.replayRejections({ sourceId: shop.id, reason: 'unplanned_event' })).toEqual({
      replayed: 1,
      rejectionIds: [rejection.rejectionId],
    });

    const after = await client.waitForProfile('user_id', 'u-plan', (p) => eventCount(p, 'Coupon Applied') === 1);
    expect(after.profileId).toBe(before.profileId);
    expect(after.summary.eventCounts['Coupon Applied']).toEqual({ count: 1, firstAt: at(1000), lastAt: at(1000) });
    expect((await client.timeline(after.profileId)).map((e) => e.messageId)).toEqual(['plan-order', 'plan-coupon']);
    // a second replay of the same selection finds nothing left to replay
    expect((await client.replayRejections({ sourceId: shop.id, reason: 'unplanned_event' })).replayed).toBe(0);
  });

  it('a device id an admin blocks stops linking visitors from the next slice on', async () => {
    const kiosk = (anonymousId: string, messageId: string, seconds: number) =>
      send('track', {
        anonymousId,
        event: 'Catalog Browsed',
        context: { device: { id: 'kiosk-lobby-1' } },
        timestamp: at(seconds),
        messageId,
      });
    // before the rule change, the kiosk's device id links two visitors into one profile
    await kiosk('anon-kiosk-1', 'kiosk-1', 5000);
    await client.waitForProfile('anonymous_id', 'anon-kiosk-1', (p) => p.summary.itemCount === 1);
    await kiosk('anon-kiosk-2', 'kiosk-2', 5001);
    const linked = await client.waitForProfile('anonymous_id', 'anon-kiosk-2', (p) => p.summary.itemCount === 2);
    expect(identifiersOf(linked)).toEqual(['anonymous_id:anon-kiosk-1', 'anonymous_id:anon-kiosk-2', 'device_id:kiosk-lobby-1']);

    await client.putIdentityRule('device_id', {
      priority: 7,
      maxPerProfile: null,
      maxDistinctUserIds: 3,
      blockedPatterns: ['^kiosk-lobby-'],
    });
    await kiosk('anon-kiosk-3', 'kiosk-3', 5002);
    const alone = await client.waitForProfile('anonymous_id', 'anon-kiosk-3', (p) => p.summary.itemCount === 1);
    expect(alone.profileId).not.toBe(linked.profileId);
    expect(identifiersOf(alone)).toEqual(['anonymous_id:anon-kiosk-3']);
    // the rule never rewrites the past: the profile it linked before stays one
    expect((await client.profileByIdentifier('anonymous_id', 'anon-kiosk-1')).body.profileId).toBe(linked.profileId);
  });

  it('test traffic marks a profile as test until a real event arrives', async () => {
    await send('track', { userId: 'u-qa', event: 'Checkout Started', context: { test: true }, timestamp: at(2000), messageId: 'qa-1' });
    const test = await client.waitForProfile('user_id', 'u-qa', (p) => p.summary.itemCount === 1);
    expect(test.isTest).toBe(true);
    await send('track', { userId: 'u-qa', event: 'Checkout Started', timestamp: at(2001), messageId: 'qa-2' });
    const real = await client.waitForProfile('user_id', 'u-qa', (p) => p.summary.itemCount === 2);
    expect(real.isTest).toBe(false);
  });
}
