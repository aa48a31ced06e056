import { Topics } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { DAY_MS } from '../rules';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);

/** A split on cdp.identity.merges gives the split-off profile its events back: rules over events are right for each. */
describe('splits', () => {
  const h = new EvaluatorHarness();
  const historyOf = async (profileId: string) =>
    (
      await h.schema.pool.query<{ message_id: string }>('SELECT message_id FROM profile_events WHERE profile_id = $1 ORDER BY message_id', [
        profileId,
      ])
    ).rows.map((r) => r.message_id);
  const ordersOf = async (profileId: string) =>
    (await h.http('GET', `/v1/profiles/${profileId}/segments`)).body.computedTraits?.orders_ever;

  beforeAll(async () => {
    await h.start('segments_splits', T0);
    await h.http('POST', '/v1/computed-traits', { key: 'orders_ever', event: 'Order Completed', aggregate: 'count', window: 'ever' });
    await h.http('POST', '/v1/segments', { id: 'buyer-2x', name: '2+ orders', rule: { event: 'Order Completed', atLeast: 2 } });
    await h.http('POST', '/v1/segments', { id: 'viewer', name: 'viewed a product', rule: { event: 'Product Viewed', atLeast: 1 } });
  }, 90_000);
  afterAll(() => h.stop());

  it('moves the named events to the split-off profile, re-decides both, and sends later copies of them there too', async () => {
    // p-a: two orders; p-b: one order and a view; then a (wrong) merge of p-b into p-a
    await h.profile('p-a', { 'traits.plan': 'pro' });
    await h.profile('p-b', { 'traits.plan': 'free' });
    await h.track('p-a', 'a-o1', 'Order Completed', T0 - 2 * DAY_MS);
    await h.track('p-a', 'a-o2', 'Order Completed', T0 - DAY_MS);
    await h.track('p-b', 'b-o1', 'Order Completed', T0 - DAY_MS);
    await h.track('p-b', 'b-v1', 'Product Viewed', T0 - DAY_MS);
    await h.waitForChanges('p-a', ['entered buyer-2x']);
    await h.waitForChanges('p-b', ['entered viewer']);
    await h.profile('p-b', { 'traits.plan': 'free' }, { status: 'merged', mergedIntoProfileId: 'p-a' });
    await h.waitForChanges('p-a', ['entered buyer-2x', 'entered viewer']);
    await h.waitForChanges('p-b', ['entered viewer', 'exited viewer']);
    expect(await historyOf('p-a')).toEqual(['a-o1', 'a-o2', 'b-o1', 'b-v1']);
    await eventually(async () => ((await ordersOf('p-a')) === 3 ? true : undefined), 20_000, 'p-a counts 3 orders');

    // the split names p-b's items, one of them (b-o2, resolved before the split) not yet delivered
    await h.identityChange({
      changeId: 'split-1',
      kind: 'split',
      survivorProfileId: 'p-a',
      absorbedProfileId: 'p-b',
      rule: 'manual_split',
      identifiers: [{ type: 'user_id', value: 'p-b' }],
      movedMessageIds: ['b-o1', 'b-v1', 'b-o2'],
      movedItems: [
        { sourceId: 'web', messageId: 'b-o1' },
        { sourceId: 'web', messageId: 'b-v1' },
        { sourceId: 'web', messageId: 'b-o2' },
      ],
      at: T0,
    });
    await h.waitForChanges('p-a', ['entered buyer-2x', 'entered viewer', 'exited viewer']);
    expect(await historyOf('p-a')).toEqual(['a-o1', 'a-o2']);
    expect(await historyOf('p-b')).toEqual(['b-o1', 'b-v1']);
    await eventually(async () => ((await ordersOf('p-a')) === 2 ? true : undefined), 20_000, 'p-a counts its own 2 orders');

    // an event keyed to p-b before the merger's change for it arrives stays with p-b, not with its former survivor
    await h.track('p-b', 'b-v2', 'Product Viewed', T0);
    await eventually(async () => ((await historyOf('p-b')).includes('b-v2') ? true : undefined), 20_000, 'b-v2 stored');
    expect(await historyOf('p-a')).toEqual(['a-o1', 'a-o2']);

    // the merger then announces p-b active again: decided in full with its own events
    await h.profile('p-b', { 'traits.plan': 'free' });
    await h.waitForChanges('p-b', ['entered viewer', 'exited viewer', 'entered viewer']);
    await eventually(async () => ((await ordersOf('p-b')) === 1 ? true : undefined), 20_000, 'p-b counts its order');

    // b-o2 arrives keyed to the survivor (resolved before the split) and b-o1's copy is replayed: each where it belongs
    await h.track('p-a', 'b-o2', 'Order Completed', T0);
    await h.track('p-a', 'b-o1', 'Order Completed', T0 - DAY_MS);
    await h.waitForChanges('p-b', ['entered viewer', 'exited viewer', 'entered viewer', 'entered buyer-2x']);
    await eventually(async () => ((await ordersOf('p-b')) === 2 ? true : undefined), 20_000, 'p-b counts b-o2');
    expect(await historyOf('p-a')).toEqual(['a-o1', 'a-o2']);
    expect(await historyOf('p-b')).toEqual(['b-o1', 'b-o2', 'b-v1', 'b-v2']);
    expect(await ordersOf('p-a')).toBe(2);
    expect(h.changes('p-a')).toEqual(['entered buyer-2x', 'entered viewer', 'exited viewer']);
    const exit = h.collector.all(Topics.SegmentsMembership).find((m) => m.value.profileId === 'p-a' && m.value.change === 'exited');
    expect(exit?.value.reason).toContain('Product Viewed');
  });
});
