import { Topics } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { DAY_MS } from '../rules';
import { EvaluatorHarness } from '../test-support/evaluator-harness';
import { outboxDrained } from '../test-support/outbox-drained';

const T0 = Date.UTC(2026, 5, 1);
const PROFILES = 200;
const ids = Array.from({ length: PROFILES }, (_, i) => `cb-${String(i).padStart(3, '0')}`);
/** Profile i has i % 4 orders, 10 days apart, the newest at T0: 0 to 3 in the last 30 days, 0 to 2 in the last 15. */
const orders = (i: number) => i % 4;
const orders30d = { key: 'orders_30d', event: 'Order Completed', aggregate: 'count', window: { days: 30 } };

/** A computed trait created or edited after the profiles exist is computed over all of them, each change announced once. */
describe('computed-trait backfill', () => {
  const h = new EvaluatorHarness();
  const pageSize = process.env.SEGMENTS_BACKFILL_PAGE_SIZE;
  /** cdp.profiles.computed messages that change orders_30d: "profile value (previous)". */
  const announced = () =>
    h.collector
      .all(Topics.ProfilesComputed)
      .flatMap((m) =>
        (m.value.changes as Array<{ key: string; value: string | null; previous: string | null }>)
          .filter((c) => c.key === 'computed.orders_30d')
          .map((c) => `${m.value.profileId} ${c.value} (${c.previous})`),
      );
  const flips = (segmentId: string) =>
    h.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.segmentId === segmentId)
      .map((m) => `${m.value.change} ${m.value.profileId}`);
  const waitForBackfill = (version: number) =>
    eventually(
      async () => {
        const { body } = await h.http('GET', '/v1/computed-traits/orders_30d');
        return body.backfill?.version === version && body.backfill.state === 'done' ? body : undefined;
      },
      60_000,
      `backfill of orders_30d v${version}`,
    );

  beforeAll(async () => {
    process.env.SEGMENTS_BACKFILL_PAGE_SIZE = '32'; // several pages, each its own transaction
    await h.start('computed_backfill', T0);
    for (let i = 0; i < PROFILES; i++) {
      await h.profile(ids[i], { 'traits.plan': 'pro' });
      for (let k = 0; k < orders(i); k++) await h.track(ids[i], `${ids[i]}-o${k}`, 'Order Completed', T0 - k * 10 * DAY_MS);
    }
    const events = ids.reduce((n, _, i) => n + orders(i), 0);
    await eventually(
      async () => ((await h.schema.pool.query('SELECT count(*)::int AS n FROM profile_events')).rows[0].n === events ? true : undefined),
      60_000,
      'every order applied',
    );
    await eventually(
      async () =>
        (await h.schema.pool.query('SELECT count(*)::int AS n FROM profile_computed_values')).rows[0].n === PROFILES ? true : undefined,
      60_000,
      'every profile computed',
    );
  }, 120_000);
  afterAll(async () => {
    await h.stop();
    if (pageSize === undefined) delete process.env.SEGMENTS_BACKFILL_PAGE_SIZE;
    else process.env.SEGMENTS_BACKFILL_PAGE_SIZE = pageSize;
  });

  it('a new trait is computed over every existing profile, with progress, each value announced once', async () => {
    expect(announced()).toEqual([]);
    const created = await h.http('POST', '/v1/computed-traits', orders30d);
    expect(created.body.backfill).toMatchObject({ version: 1, state: 'pending', done: 0, total: PROFILES });
    const view = await waitForBackfill(1);
    expect(view.backfill).toMatchObject({ done: PROFILES, total: PROFILES, finishedAt: expect.any(String) });
    const expected = ids.map((id, i) => `${id} ${orders(i)} (null)`).sort();
    await eventually(async () => (announced().length >= PROFILES ? true : undefined), 20_000, 'every value announced');
    expect(announced().sort()).toEqual(expected);
    expect((await h.http('GET', '/v1/profiles/cb-003/segments')).body.computedTraits).toEqual({ orders_30d: 3 });
  });

  it('an edit announces only the values that changed, and re-decides the segments reading them', async () => {
    await h.http('POST', '/v1/segments', { id: 'three-orders', name: '3+ orders', rule: { computed: 'orders_30d', op: 'gte', value: 3 } });
    const threes = ids.filter((_, i) => orders(i) === 3);
    await eventually(async () => (flips('three-orders').length >= threes.length ? true : undefined), 30_000, 'segment backfill');
    expect(flips('three-orders').sort()).toEqual(threes.map((id) => `entered ${id}`).sort());
    const before = announced().length;

    const edited = await h.http('PUT', '/v1/computed-traits/orders_30d', { ...orders30d, window: { days: 15 } });
    expect(edited.body).toMatchObject({ version: 2, backfill: { version: 2, state: 'pending' } });
    await waitForBackfill(2);
    // only the profiles with an order 20 days ago change (3 -> 2); the others keep their value and hear nothing
    // the two topics reach the collector independently: wait for both, not for the exits alone
    const settled = () => flips('three-orders').length >= 2 * threes.length && announced().length - before >= threes.length;
    await eventually(async () => (settled() ? true : undefined), 20_000, 'the exits and the announcements');
    expect(announced().slice(before).sort()).toEqual(threes.map((id) => `${id} 2 (3)`).sort());
    expect(flips('three-orders').slice(threes.length).sort()).toEqual(threes.map((id) => `exited ${id}`).sort());
    const exit = h.collector.all(Topics.SegmentsMembership).find((m) => m.value.change === 'exited');
    expect(exit?.value.reason).toContain('computed.orders_30d');

    // saving again the same definition recomputes everyone and finds nothing to announce
    await h.http('PUT', '/v1/computed-traits/orders_30d', { ...orders30d, window: { days: 15 } });
    await waitForBackfill(3);
    // whatever the third pass staged has left the outbox (published) before the count
    await outboxDrained(h.schema.pool);
    expect(announced().length).toBe(before + threes.length);
  });
});
