import { ScenarioClient, type Json } from './scenario-client';
import { ScenarioPipeline } from './scenario-pipeline';

/**
 * Operating scenarios through the whole running pipeline (gateway, validation, resolver, merger as processes on
 * the embedded broker and Postgres): many merges racing across partitions, a tracking-plan rejection replayed
 * after the fix, and test traffic. Assertions read the public HTTP APIs only.
 */

const ADMIN_TOKEN = 'scenario-admin-token-0123456789';
const DEV_WRITE_KEY = 'scenario-dev-write-key';
const T0 = Date.UTC(2026, 1, 1);
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const ids = (profile: Json): string[] => profile.identifiers.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort();
const countOf = (profile: Json, name: string): number | undefined => profile.summary.eventCounts[name]?.count;

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

describe('pipeline operations scenarios through the HTTP gateway on the whole running pipeline', () => {
  const pipeline = new ScenarioPipeline({ adminToken: ADMIN_TOKEN, devWriteKey: DEV_WRITE_KEY });
  let client: ScenarioClient;
  const send = (call: string, body: Json) => client.send(DEV_WRITE_KEY, call, body);

  beforeAll(async () => {
    await pipeline.start();
    client = new ScenarioClient(
      { gateway: pipeline.url('ingest-gateway'), validation: pipeline.url('validation'), resolver: pipeline.url('identity-resolver'), merger: pipeline.url('profile-merger') },
      ADMIN_TOKEN,
    );
  }, 150_000);

  afterAll(async () => {
    await pipeline.stop();
  }, 60_000);

  it('people on three devices each, logging in right behind their anonymous browsing, end as one profile each with exact counts', async () => {
    const people = Array.from({ length: 15 }, (_, i) => ({ userId: `u-ops-${i}`, devices: [1, 2, 3].map((d) => `anon-ops-${i}-${d}`) }));
    const browsing = people.flatMap((person, i) =>
      person.devices.flatMap((anonymousId, d) =>
        Array.from({ length: d + 1 }, (_, n) => ({ type: 'track', anonymousId, event: 'Product Viewed', timestamp: at(i * 100 + d * 10 + n), messageId: `${anonymousId}-view-${n}` })),
      ),
    );
    const logins = people.flatMap((person, i) =>
      person.devices.map((anonymousId, d) => ({ type: 'identify', userId: person.userId, anonymousId, traits: { device: d }, timestamp: at(i * 100 + 50 + d), messageId: `${anonymousId}-login` })),
    );
    // One batch of browsing (keyed by device, so spread over partitions) and the logins right behind it: merges
    // and the items they move race each other in the resolver and the merger.
    await send('batch', { batch: shuffled(browsing, 7) });
    await send('batch', { batch: shuffled(logins, 11) });

    const profiles = await Promise.all(people.map((person) => client.waitForProfile('user_id', person.userId, (p) => p.summary.itemCount === 9, 60_000)));
    for (const [i, profile] of profiles.entries()) {
      const person = people[i];
      expect({ person: person.userId, views: countOf(profile, 'Product Viewed'), identifies: countOf(profile, '$identify') }).toEqual({ person: person.userId, views: 6, identifies: 3 });
      expect(ids(profile)).toEqual([...person.devices.map((anon) => `anonymous_id:${anon}`), `user_id:${person.userId}`].sort());
      expect(profile.summary).toMatchObject({ firstSeen: at(i * 100), lastSeen: at(i * 100 + 52) });
      for (const anon of person.devices) {
        expect({ anon, merger: (await client.profileByIdentifier('anonymous_id', anon)).body.profileId, resolver: (await client.identity('anonymous_id', anon)).body.profileId })
          .toEqual({ anon, merger: profile.profileId, resolver: profile.profileId });
      }
      // every profile a merge absorbed redirects to this one, in both services
      for (const merge of (await client.merges(profile.profileId)).merges) {
        expect((await client.profile(merge.absorbedProfileId)).body).toMatchObject({ profileId: profile.profileId, redirectedFrom: merge.absorbedProfileId });
      }
    }
    expect(new Set(profiles.map((p) => p.profileId)).size).toBe(people.length);
  });

  it('a tracking plan rejects an unplanned event; after the plan is fixed, a replay brings it to the profile as it was sent', async () => {
    const shop = await client.createSource('shop');
    await client.putTrackingPlan(shop.id, { mode: 'reject', allowUnplannedEvents: false, events: [{ name: 'Order Completed' }] });
    await client.send(shop.writeKey, 'track', { userId: 'u-plan', event: 'Coupon Applied', properties: { code: 'SPRING' }, timestamp: at(1000), messageId: 'plan-coupon' });
    await client.send(shop.writeKey, 'track', { userId: 'u-plan', event: 'Order Completed', properties: { revenue: 20, order_id: 'plan-o1' }, timestamp: at(1001), messageId: 'plan-order' });

    const before = await client.waitForProfile('user_id', 'u-plan', (p) => countOf(p, 'Order Completed') === 1);
    expect(countOf(before, 'Coupon Applied')).toBeUndefined();
    const rejection = await client.waitForMatch(() => client.rejections(shop.id), (r) => r.messageId === 'plan-coupon');
    expect(rejection).toMatchObject({ reason: 'unplanned_event', service: 'validation' });

    await client.putTrackingPlan(shop.id, { mode: 'reject', allowUnplannedEvents: false, events: [{ name: 'Order Completed' }, { name: 'Coupon Applied' }] });
    expect(await client.replayRejections({ sourceId: shop.id, reason: 'unplanned_event' })).toEqual({ replayed: 1, rejectionIds: [rejection.rejectionId] });

    const after = await client.waitForProfile('user_id', 'u-plan', (p) => countOf(p, 'Coupon Applied') === 1);
    expect(after.profileId).toBe(before.profileId);
    expect(after.summary.eventCounts['Coupon Applied']).toEqual({ count: 1, firstAt: at(1000), lastAt: at(1000) });
    expect((await client.timeline(after.profileId)).map((e) => e.messageId)).toEqual(['plan-order', 'plan-coupon']);
    // a second replay of the same selection finds nothing left to replay
    expect((await client.replayRejections({ sourceId: shop.id, reason: 'unplanned_event' })).replayed).toBe(0);
  });

  it('test traffic marks a profile as test until a real event arrives', async () => {
    await send('track', { userId: 'u-qa', event: 'Checkout Started', context: { test: true }, timestamp: at(2000), messageId: 'qa-1' });
    const test = await client.waitForProfile('user_id', 'u-qa', (p) => p.summary.itemCount === 1);
    expect(test.isTest).toBe(true);
    await send('track', { userId: 'u-qa', event: 'Checkout Started', timestamp: at(2001), messageId: 'qa-2' });
    const real = await client.waitForProfile('user_id', 'u-qa', (p) => p.summary.itemCount === 2);
    expect(real.isTest).toBe(false);
  });
});
