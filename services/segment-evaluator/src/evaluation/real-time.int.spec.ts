import { Topics } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { DAY_MS } from '../rules';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const churn = {
  all: [
    { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
    { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
  ],
};

/** Real-time decisions on the embedded broker and Postgres: inputs on the real topics, output on cdp.segments.membership. */
describe('segment-evaluator real-time evaluation', () => {
  const h = new EvaluatorHarness();

  beforeAll(async () => {
    await h.start('segments_realtime', T0);
    expect(
      (await h.http('POST', '/v1/segments', { id: 'churn-risk', name: 'Contract ends within 30 days, renewal not confirmed', rule: churn }))
        .status,
    ).toBe(201);
    expect(
      (
        await h.http('POST', '/v1/segments', {
          id: 'buyers-2x-7d',
          name: 'Ordered twice in a week',
          rule: { event: 'Order Completed', atLeast: 2, inLastDays: 7 },
        })
      ).status,
    ).toBe(201);
    expect(
      (await h.http('POST', '/v1/segments', { id: 'trials-2x', name: 'Two trials', rule: { event: 'Trial Started', atLeast: 2 } })).status,
    ).toBe(201);
    expect(
      (
        await h.http('POST', '/v1/segments', {
          id: 'one-order',
          name: 'Exactly one order ever',
          rule: { event: 'Order Completed', exactly: 1 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await h.http('POST', '/v1/segments', {
          id: 'churning-buyers',
          name: 'both',
          rule: { all: [{ segment: 'churn-risk' }, { segment: 'buyers-2x-7d' }] },
        })
      ).status,
    ).toBe(201);
  }, 90_000);

  afterAll(() => h.stop());

  it('seed 002: a billing record inside 30 days enters; renewal confirmed exits; with reason, versions and values', async () => {
    await h.profile('p-churn', { 'traits.contract_end_date': iso(T0 + 20 * DAY_MS), 'traits.renewal_status': 'pending' });
    await h.waitForChanges('p-churn', ['entered churn-risk']);
    const [entered] = h.collector.all(Topics.SegmentsMembership).filter((m) => m.value.profileId === 'p-churn');
    expect(entered.key).toBe('p-churn');
    expect(entered.value).toMatchObject({
      segmentId: 'churn-risk',
      change: 'entered',
      version: 1,
      segmentVersion: 1,
      identifiers: [{ type: 'user_id', value: 'p-churn' }],
      isTest: false,
      reason: '$.all[0]: traits.contract_end_date within the next 30 days; $.all[1]: traits.renewal_status neq "confirmed"',
    });
    expect(JSON.parse(entered.value.values as string)).toMatchObject({ 'traits.renewal_status': 'pending' });

    const profile = await h.http('GET', '/v1/profiles/p-churn/segments');
    expect(profile.body.memberships).toEqual([
      expect.objectContaining({ segmentId: 'churn-risk', segmentVersion: 1, reason: expect.stringContaining('within the next 30 days') }),
    ]);

    await h.profile('p-churn', { 'traits.contract_end_date': iso(T0 + 20 * DAY_MS), 'traits.renewal_status': 'confirmed' });
    await h.waitForChanges('p-churn', ['entered churn-risk', 'exited churn-risk']);
    const exit = h.collector.all(Topics.SegmentsMembership).filter((m) => m.value.profileId === 'p-churn')[1];
    expect(exit.value).toMatchObject({ change: 'exited', version: 2, reason: '$.all[1]: traits.renewal_status neq "confirmed"' });
    expect((await h.http('GET', '/v1/profiles/p-churn/segments')).body.memberships).toEqual([]);
  });

  it('the window case enters on the second order, and a segment of segments follows; a replayed event counts once; the snapshot goes once per decision', async () => {
    await h.profile('p-buyer', { 'traits.contract_end_date': iso(T0 + 5 * DAY_MS) });
    await h.waitForChanges('p-buyer', ['entered churn-risk']);
    await h.track('p-buyer', 'o-1', 'Order Completed', T0 - DAY_MS, { total: 10 });
    await h.track('p-buyer', 'o-1', 'Order Completed', T0 - DAY_MS, { total: 10 });
    // counted twice, the copy would keep the profile out of "exactly one order"
    await h.waitForChanges('p-buyer', ['entered churn-risk', 'entered one-order']);
    await h.track('p-buyer', 'v-1', 'Page Viewed', T0);
    await h.track('p-buyer', 'o-2', 'Order Completed', T0, { total: 20 });
    await h.waitForChanges('p-buyer', [
      'entered churn-risk',
      'entered one-order',
      'entered buyers-2x-7d',
      'entered churning-buyers',
      'exited one-order',
    ]);
    // one decision, three messages: the profile's snapshot rides on the first only, the others omit it (contract v3)
    const decided = h.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.profileId === 'p-buyer')
      .slice(2);
    expect(decided.map((m) => [m.value.snapshotOmitted, m.value.values === null, m.value.identifiers.length])).toEqual([
      [false, false, 1],
      [true, true, 0],
      [true, true, 0],
    ]);
    expect(JSON.parse(decided[0].value.values as string)).toEqual({ 'traits.contract_end_date': iso(T0 + 5 * DAY_MS) });
    const members = await h.http('GET', '/v1/segments/churning-buyers/members');
    expect(members.body).toEqual({
      segmentId: 'churning-buyers',
      members: [expect.objectContaining({ profileId: 'p-buyer', segmentVersion: 1 })],
      next: null,
    });
  });

  it('a lifetime value moved by new rates is re-decided at the next change, which does not list it', async () => {
    for (const [id, rule] of [
      ['ltv-50', { trait: 'revenue_total', op: 'gte', value: 50 }],
      ['has-ordered', { trait: 'order_count', op: 'gte', value: 1 }],
    ] as const)
      expect((await h.http('POST', '/v1/segments', { id, name: id, rule })).status).toBe(201);
    // the backfills first: one reaching the profile after its change would decide it on the new values
    for (const id of ['ltv-50', 'has-ordered'])
      await eventually(async () => (await h.http('GET', `/v1/segments/${id}`)).body.backfill?.state === 'done', 20_000, `${id} backfilled`);
    // one EUR order while the reporting currency was USD with no EUR rate: nothing counted
    const order = { order_count: 1, 'revenue.EUR': 100, revenue_currency: 'USD', revenue_total: 0, revenue_flags: ['missing_rate:EUR'] };
    await h.profile('p-rates', order);
    await h.waitForChanges('p-rates', ['entered has-ordered']);
    // then EUR became the reporting currency, and a page view is the next change: the merger, comparing at the new
    // rates, lists only the counter
    const viewed = { ...order, revenue_currency: 'EUR', revenue_total: 100, revenue_flags: undefined, 'event_count.Page Viewed': 1 };
    await h.profile('p-rates', viewed, { changedFields: ['event_count.Page Viewed'] });
    await h.waitForChanges('p-rates', ['entered has-ordered', 'entered ltv-50']);
  });

  it('a merge: the absorbed profile exits every segment, its events move to the survivor, which is re-decided', async () => {
    await h.track('p-left', 'l-1', 'Trial Started', T0 - 2 * DAY_MS);
    await h.profile('p-right', {});
    await h.track('p-right', 'r-1', 'Trial Started', T0 - DAY_MS);
    await h.track('p-right', 'r-2', 'Trial Started', T0 - DAY_MS + 1);
    await h.waitForChanges('p-right', ['entered trials-2x']);
    await h.profile('p-right', {}, { status: 'merged', mergedIntoProfileId: 'p-left' });
    await h.waitForChanges('p-right', ['entered trials-2x', 'exited trials-2x']);
    await h.waitForChanges('p-left', ['entered trials-2x']);
    const exit = h.collector.all(Topics.SegmentsMembership).filter((m) => m.value.profileId === 'p-right')[1];
    expect(exit.value.reason).toBe('profile merged into p-left');
    expect((await h.http('GET', '/v1/profiles/p-right/segments')).body).toEqual({
      profileId: 'p-right',
      mergedInto: 'p-left',
      memberships: [],
      computedTraits: {},
      predictions: {},
      computedAt: null,
    });
  });
});
