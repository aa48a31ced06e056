import { type RunningService } from '@tessera/service-kit';
import { identifyItem, recordItem, trackItem } from '../test-support/test-items.fixture';
import { type JsonBody, type MergerHarness } from '../test-support/merger-harness';
import { useMergerStack } from '../test-support/merger-stack';

const T0 = Date.UTC(2026, 0, 1);

describe('profile-merger on the embedded broker and Postgres, through HTTP: priorities, provenance, order, merges, changes', () => {
  const stack = useMergerStack('profile_merger_it');
  let service: RunningService;
  let harness: MergerHarness;
  beforeAll(() => {
    ({ service, harness } = stack);
  });
  const { changes, waitForChange } = stack;

  it('keeps priorities behind the admin token', async () => {
    expect((await fetch(`${service.url}/v1/priorities`)).status).toBe(401);
    const listed = (await (await harness.admin('GET', '/v1/priorities')).json()) as { sources: unknown[] };
    expect(listed.sources).toEqual([
      { sourceId: 'crm', priority: 1, fields: {} },
      { sourceId: 'web', priority: 5, fields: { plan: 1 } },
    ]);
    expect((await harness.admin('PUT', '/v1/priorities/sources/x', { priority: 0 })).status).toBe(400);
  });

  it('serves its admin routes under /v1 only, as every service does', async () => {
    expect((await harness.admin('GET', '/admin/priorities')).status).toBe(404);
    expect((await harness.admin('GET', '/admin/currency-rates')).status).toBe(404);
    expect((await harness.admin('GET', '/v1/currency-rates')).status).toBe(200);
  });

  it('a CRM record (priority 1) beats a web identify (priority 5) on given-name; a newer web identify wins plan, where web has field priority', async () => {
    await harness.sendItems([
      recordItem({
        profileId: 'p-jane',
        messageId: 'crm-1',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { first: 'Jane', plan: 'enterprise' },
        mapping: { first: 'given-name' },
      }),
      identifyItem({
        profileId: 'p-jane',
        messageId: 'web-1',
        sourceId: 'web',
        at: T0 + 2000,
        traits: { firstName: 'Janey', plan: 'pro', email: 'jane@example.com' },
      }),
    ]);
    const profile = await harness.waitFor('/v1/profiles/p-jane', (body) => body.summary?.itemCount === 2);
    expect(profile.traits).toMatchObject({ 'given-name': 'Jane', plan: 'pro', email: 'jane@example.com' });
    expect(profile.traitProvenance['given-name']).toMatchObject({ sourceId: 'crm', priority: 1, messageId: 'crm-1' });
    expect(profile.traitProvenance.plan).toMatchObject({ sourceId: 'web', priority: 1, messageId: 'web-1' });
    expect(profile.bestEmail).toBe('jane@example.com');
  });

  it("shows a connector record's origin (connection, run, stream, row) in a trait's provenance; a later null from it falls back to the next source", async () => {
    const origin = { connectionId: 'conn-crm', runId: 'run-1', stream: 'contacts', rowKey: 'contacts.csv:7' };
    await harness.sendItems([
      recordItem({
        profileId: 'p-tier',
        messageId: 'tier-crm-1',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { loyalty_tier: 'gold', contract_end_date: '2027-03-31' },
        mapping: {},
        origin,
      }),
      identifyItem({ profileId: 'p-tier', messageId: 'tier-web-1', sourceId: 'web', at: T0 + 2000, traits: { loyalty_tier: 'silver' } }),
    ]);
    const before = await harness.waitFor('/v1/profiles/p-tier', (body) => body.summary?.itemCount === 2);
    expect(before.traits).toMatchObject({ loyalty_tier: 'gold', contract_end_date: '2027-03-31' });
    expect(before.traitProvenance.loyalty_tier).toEqual({
      sourceId: 'crm',
      priority: 1,
      occurredAt: new Date(T0 + 1000).toISOString(),
      messageId: 'tier-crm-1',
      mode: 'set',
      origin,
    });
    expect(before.traitProvenance.contract_end_date.origin).toEqual(origin);

    const refresh = { ...origin, runId: 'run-2' };
    await harness.sendItems([
      recordItem({
        profileId: 'p-tier',
        messageId: 'tier-crm-2',
        sourceId: 'crm',
        at: T0 + 3000,
        attributes: { loyalty_tier: null, contract_end_date: null },
        mapping: {},
        origin: refresh,
      }),
    ]);
    const after = await harness.waitFor('/v1/profiles/p-tier', (body) => body.summary?.itemCount === 3);
    expect(after.traits.loyalty_tier).toBe('silver');
    expect(after.traits).not.toHaveProperty('contract_end_date');
    expect(after.traitProvenance.loyalty_tier).toMatchObject({ sourceId: 'web', messageId: 'tier-web-1', origin: null });
    const timeline = await harness.get('/v1/profiles/p-tier/events');
    expect(timeline.body.events.map((e: { messageId: string; origin: unknown }) => [e.messageId, e.origin])).toEqual([
      ['tier-crm-2', refresh],
      ['tier-web-1', null],
      ['tier-crm-1', origin],
    ]);
  });

  it('out-of-order events give the same profile as in-order events', async () => {
    const stream = (profileId: string) => [
      identifyItem({
        profileId,
        messageId: `${profileId}-1`,
        sourceId: 'web',
        at: T0 + 1000,
        traits: { firstName: 'Ann', $set_once: { signup_source: 'ad' } },
      }),
      trackItem({
        profileId,
        messageId: `${profileId}-2`,
        sourceId: 'web',
        at: T0 + 2000,
        event: 'Order Completed',
        revenue: 12.5,
        properties: { order_id: 'o1' },
        context: { campaign: { source: 'google', name: 'spring' } },
      }),
      identifyItem({
        profileId,
        messageId: `${profileId}-3`,
        sourceId: 'web',
        at: T0 + 3000,
        traits: { firstName: 'Anne', $set_once: { signup_source: 'late' }, $unset: ['nickname'] },
      }),
      identifyItem({ profileId, messageId: `${profileId}-4`, sourceId: 'web', at: T0 + 2500, traits: { nickname: 'annie' } }),
      trackItem({
        profileId,
        messageId: `${profileId}-5`,
        sourceId: 'web',
        at: T0 + 4000,
        event: 'Order Completed',
        revenue: 7.25,
        properties: { order_id: 'o2' },
        context: { consent: { categoryPreferences: { Advertising: true } } },
      }),
    ];
    await harness.sendItems(stream('p-inorder'));
    await harness.sendItems(stream('p-shuffled').reverse());
    const done = (body: JsonBody) => body.summary?.itemCount === 5;
    const inOrder = await harness.waitFor('/v1/profiles/p-inorder', done);
    const shuffled = await harness.waitFor('/v1/profiles/p-shuffled', done);
    const comparable = (p: JsonBody) => ({
      traits: p.traits,
      consent: p.consent,
      summary: p.summary,
      revenue: p.transactions.revenueTotal,
      orders: p.transactions.orderCount,
      touches: p.campaigns.touchCount,
    });
    expect(comparable(shuffled)).toEqual(comparable(inOrder));
    expect(inOrder.traits).toEqual({ 'given-name': 'Anne', signup_source: 'ad' });
    expect(inOrder.consent).toEqual({ Advertising: true });
    expect(inOrder.transactions).toMatchObject({ revenueTotal: 19.75, orderCount: 2, lastOrder: { orderId: 'o2' } });
    const timeline = await harness.get('/v1/profiles/p-shuffled/events?limit=2');
    expect(timeline.body.events.map((e: { messageId: string }) => e.messageId)).toEqual(['p-shuffled-5', 'p-shuffled-3']);
    // paging: `next` leads through every item once, and the last page says there is no other
    const pages: string[][] = [];
    for (let before = ''; ;) {
      const page = await harness.get(`/v1/profiles/p-shuffled/events?limit=2${before}`);
      pages.push(page.body.events.map((e: { messageId: string }) => e.messageId));
      if (page.body.next === null) break;
      before = `&before=${page.body.next}`;
    }
    expect(pages).toEqual([['p-shuffled-5', 'p-shuffled-3'], ['p-shuffled-4', 'p-shuffled-2'], ['p-shuffled-1']]);
    const junk = await harness.get('/v1/profiles/p-shuffled/events?before=not-a-cursor');
    expect(junk).toMatchObject({ status: 400, body: { message: 'before must be the next value of a previous page' } });
  });

  it('a merge folds counts, re-decides traits and redirects the absorbed id and its identifiers', async () => {
    const viewed = (profileId: string, n: number, at: number) =>
      trackItem({ profileId, messageId: `${profileId}-v${n}`, sourceId: 'web', at, event: 'Product Viewed' });
    const withId = <T extends { identifiers: unknown[] }>(item: T, type: string, value: string): T => ({
      ...item,
      identifiers: [{ type, value }],
    });
    await harness.sendItems([
      withId(viewed('p-phone', 1, T0 + 1000), 'anonymous_id', 'anon-phone'),
      viewed('p-phone', 2, T0 + 2000),
      withId(viewed('p-laptop', 1, T0 + 500), 'anonymous_id', 'anon-laptop'),
      viewed('p-laptop', 2, T0 + 3000),
      viewed('p-laptop', 3, T0 + 3500),
      recordItem({
        profileId: 'p-laptop',
        messageId: 'crm-laptop',
        sourceId: 'crm',
        at: T0 + 100,
        attributes: { fn: 'Max' },
        mapping: { fn: 'given-name' },
      }),
      identifyItem({ profileId: 'p-phone', messageId: 'web-phone', sourceId: 'web', at: T0 + 5000, traits: { firstName: 'Maxi' } }),
    ]);
    await harness.waitFor('/v1/profiles/p-laptop', (body) => body.summary?.itemCount === 4);
    await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 3);
    await harness.sendChange({
      changeId: 'chg-1',
      kind: 'merge',
      survivorProfileId: 'p-phone',
      absorbedProfileId: 'p-laptop',
      rule: 'shared_identifier:user_id',
      causingMessageId: 'm-login',
      identifiers: [{ type: 'user_id', value: 'u-max' }],
      at: T0 + 6000,
    });
    const merged = await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 7);
    expect(merged.summary.eventCounts['Product Viewed'].count).toBe(5);
    expect(merged.summary.firstSeen).toBe(new Date(T0 + 100).toISOString());
    expect(merged.traits['given-name']).toBe('Max');
    const redirected = await harness.get('/v1/profiles/p-laptop');
    expect(redirected.body).toMatchObject({ profileId: 'p-phone', redirectedFrom: 'p-laptop' });
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:anon-laptop')).body.profileId).toBe('p-phone');
    // a late item still keyed by the absorbed id lands on the survivor
    await harness.sendItems([viewed('p-laptop', 4, T0 + 7000)]);
    const late = await harness.waitFor('/v1/profiles/p-phone', (body) => body.summary?.itemCount === 8);
    expect(late.summary.eventCounts['Product Viewed'].count).toBe(6);
    const absorbedChange = await waitForChange((c) => c.profileId === 'p-laptop' && c.status === 'merged');
    expect(absorbedChange.mergedIntoProfileId).toBe('p-phone');
  });

  it('emits cdp.profiles.changed keyed by profile id with changed fields and segmentable values', async () => {
    const first = await waitForChange((c) => c.profileId === 'p-jane' && JSON.parse(c.values)['traits.given-name'] === 'Jane');
    expect(first.status).toBe('active');
    expect(first.changedFields).toEqual(expect.arrayContaining(['traits.given-name']));
    // the web identify then changed plan (field priority) and set the best email
    const change = await waitForChange((c) => c.profileId === 'p-jane' && c.changedFields.includes('email'));
    expect(change.changedFields).toEqual(expect.arrayContaining(['email', 'traits.plan', 'event_count.$identify']));
    expect(change.changedFields).not.toContain('traits.given-name');
    expect(JSON.parse(change.values)).toMatchObject({ email: 'jane@example.com', 'traits.plan': 'pro', 'event_count.$record:contact': 1 });
    const versions = changes.filter((c) => c.profileId === 'p-jane').map((c) => c.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    // The newest message carries the version the profile has now.
    expect((await harness.get('/v1/profiles/p-jane')).body.version).toBe(versions[versions.length - 1]);
  });
});
