import { eventually } from '@tessera/testing';
import type { Json } from '../test-support/scenario-client';
import { CLOCK_MARGIN_MS, evaluatorApi } from '../test-support/evaluator-api';
import { useScenarioPipeline } from '../test-support/scenario-suite';

const DAY_MS = 86_400_000;
/** Time-driven changes are looked for every 100 ms, so the real clock passing a date shows within a fraction of a second. */
process.env.SEGMENTS_TIMER_POLL_MS = '100';

/**
 * Segments on the whole running pipeline (gateway, validation, resolver, merger and the segment evaluator as
 * processes on the embedded broker and Postgres), through the public HTTP APIs only, on the real clock: dates and
 * windows are placed a few seconds from now, so time passing (not a new input) makes the change.
 */
describe('segments through the HTTP gateway on the whole running pipeline', () => {
  const { client, send, url } = useScenarioPipeline({ withServices: ['segment-evaluator'] });

  const { evaluator, profileSegments } = evaluatorApi(() => url('segment-evaluator'));
  const segmentsOf = async (profileId: string, ready: (memberships: Json[]) => boolean, what: string): Promise<Json[]> =>
    (await profileSegments(profileId, (body) => ready(body.memberships), what)).memberships;

  it("seed 002's churn case: a billing record enters when the date comes within 30 days, and leaves when renewal is confirmed", async () => {
    const created = await evaluator('POST', '/v1/segments', {
      id: 'contract-ending',
      name: 'Contract ends within 30 days and renewal not confirmed',
      rule: {
        all: [
          { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
          { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const billing = await client.createSource('billing');
    const mapping = { CustomerNo: 'user_id' };
    // 30 days and the margin away: outside the segment now, inside it when the margin has passed, with no new record
    const end = Date.now() + 30 * DAY_MS + CLOCK_MARGIN_MS;
    const record = (renewal: string, recordAt: number) => ({
      recordId: 'sub-1',
      objectType: 'subscription',
      observedAt: new Date(recordAt).toISOString(),
      attributes: { CustomerNo: 'u-renewer', contract_end_date: new Date(end).toISOString(), renewal_status: renewal },
    });
    await client.sendRecords(billing.writeKey, { mapping, records: [record('pending', Date.now())] });
    const profile = await client.waitForProfile('user_id', 'u-renewer', (p) => p.traits.renewal_status === 'pending');
    expect(await segmentsOf(profile.profileId, () => true, 'the evaluator to see the profile')).toEqual([]);

    const entered = await segmentsOf(profile.profileId, (m) => m.length === 1, 'the time-driven enter');
    // entered at the instant the date came within 30 days, to the millisecond, not at the next input or poll
    expect(entered).toEqual([
      expect.objectContaining({ segmentId: 'contract-ending', segmentVersion: 1, enteredAt: new Date(end - 30 * DAY_MS).toISOString() }),
    ]);
    expect(entered[0].reason).toContain('traits.contract_end_date within the next 30 days');

    await client.sendRecords(billing.writeKey, { mapping, records: [record('confirmed', Date.now())] });
    await segmentsOf(profile.profileId, (m) => m.length === 0, 'the exit on renewal');
    expect((await evaluator('GET', '/v1/segments/contract-ending/members')).body.members).toEqual([]);
  });

  it('the window case: enters on the second order, exits when 7 days have passed since the older one, with no new event', async () => {
    expect(
      (
        await evaluator('POST', '/v1/segments', {
          id: 'repeat-buyers',
          name: 'Ordered twice in 7 days',
          rule: { event: 'Order Completed', atLeast: 2, inLastDays: 7 },
        })
      ).status,
    ).toBe(201);
    const older = Date.now() - 7 * DAY_MS + CLOCK_MARGIN_MS;
    await send('track', {
      userId: 'u-window',
      event: 'Order Completed',
      properties: { order_id: 'w-1', revenue: 10, currency: 'USD' },
      timestamp: new Date(older).toISOString(),
      messageId: 'w-order-1',
    });
    const first = await client.waitForProfile('user_id', 'u-window', (p) => p.transactions.orderCount === 1);
    expect(await segmentsOf(first.profileId, () => true, 'the evaluator to see the profile')).toEqual([]);

    await send('track', {
      userId: 'u-window',
      event: 'Order Completed',
      properties: { order_id: 'w-2', revenue: 10, currency: 'USD' },
      timestamp: new Date().toISOString(),
      messageId: 'w-order-2',
    });
    const entered = await segmentsOf(first.profileId, (m) => m.length === 1, 'the enter on the second order');
    expect(entered[0]).toMatchObject({
      segmentId: 'repeat-buyers',
      reason: expect.stringContaining('Order Completed at least 2 times in the last 7 days'),
    });

    await segmentsOf(first.profileId, (m) => m.length === 0, 'the time-driven exit');
    expect(Date.now()).toBeGreaterThanOrEqual(older + 7 * DAY_MS);
  });

  it('a computed "orders in the last 30 days" and the LTV band change as orders arrive and as time passes; a segment reads them', async () => {
    expect(
      (
        await evaluator('POST', '/v1/computed-traits', {
          key: 'orders_30d',
          event: 'Order Completed',
          aggregate: 'count',
          window: { days: 30 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await evaluator('POST', '/v1/segments', {
          id: 'frequent-buyers',
          name: '2+ orders in 30 days',
          rule: { computed: 'orders_30d', op: 'gte', value: 2 },
        })
      ).status,
    ).toBe(201);
    const computedOf = profileSegments;
    // the older order leaves the 30 days when the margin has passed, with no new event
    const older = Date.now() - 30 * DAY_MS + CLOCK_MARGIN_MS;
    await send('track', {
      userId: 'u-computed',
      event: 'Order Completed',
      properties: { order_id: 'c-1', revenue: 150, currency: 'USD' },
      timestamp: new Date(older).toISOString(),
      messageId: 'c-order-1',
    });
    const profile = await client.waitForProfile('user_id', 'u-computed', (p) => p.transactions.orderCount === 1);
    const one = await computedOf(
      profile.profileId,
      (b) => b.computedTraits.orders_30d === 1 && b.predictions.ltv_band === 'medium',
      'one order, band medium',
    );
    expect(one.memberships).toEqual([]);

    await send('track', {
      userId: 'u-computed',
      event: 'Order Completed',
      properties: { order_id: 'c-2', revenue: 600, currency: 'USD' },
      timestamp: new Date().toISOString(),
      messageId: 'c-order-2',
    });
    const two = await computedOf(
      profile.profileId,
      (b) => b.computedTraits.orders_30d === 2 && b.predictions.ltv_band === 'high',
      'two orders, band high',
    );
    expect(two.memberships).toEqual([
      expect.objectContaining({ segmentId: 'frequent-buyers', reason: expect.stringContaining('computed.orders_30d gte 2') }),
    ]);

    const later = await computedOf(profile.profileId, (b) => b.computedTraits.orders_30d === 1, 'the older order leaving the 30 days');
    expect(Date.now()).toBeGreaterThanOrEqual(older + 30 * DAY_MS);
    // the lifetime value does not leave a window: the band stays; the segment on the count exits
    expect(later.predictions.ltv_band).toBe('high');
    await computedOf(profile.profileId, (b) => b.memberships.length === 0, 'the exit from frequent-buyers');
  });

  it('a merge: two profiles, each in a segment, merge; the survivor is re-decided into both and the absorbed one exits', async () => {
    await evaluator('POST', '/v1/segments', { id: 'triallers', name: 'Started two trials', rule: { event: 'Trial Started', atLeast: 2 } });
    await evaluator('POST', '/v1/segments', {
      id: 'pro-plan',
      name: 'On the pro plan',
      rule: { trait: 'traits.plan', op: 'eq', value: 'pro' },
    });
    const now = Date.now();
    await send('track', {
      anonymousId: 'anon-merge',
      event: 'Trial Started',
      timestamp: new Date(now - 60_000).toISOString(),
      messageId: 'm-trial-1',
    });
    await send('track', {
      anonymousId: 'anon-merge',
      event: 'Trial Started',
      timestamp: new Date(now - 50_000).toISOString(),
      messageId: 'm-trial-2',
    });
    await send('identify', {
      userId: 'u-merge',
      traits: { plan: 'pro' },
      timestamp: new Date(now - 40_000).toISOString(),
      messageId: 'm-identify',
    });
    const anonymous = await client.waitForProfile('anonymous_id', 'anon-merge', (p) => p.summary.itemCount === 2);
    const known = await client.waitForProfile('user_id', 'u-merge', (p) => p.traits.plan === 'pro');
    await segmentsOf(anonymous.profileId, (m) => m.length === 1 && m[0].segmentId === 'triallers', 'the anonymous profile in triallers');
    await segmentsOf(known.profileId, (m) => m.length === 1 && m[0].segmentId === 'pro-plan', 'the known profile in pro-plan');

    // the login links the anonymous id to the user: one person
    await send('identify', {
      userId: 'u-merge',
      anonymousId: 'anon-merge',
      timestamp: new Date(now - 30_000).toISOString(),
      messageId: 'm-login',
    });
    const merged = await client.waitForProfile('user_id', 'u-merge', (p) => p.summary.itemCount === 4);
    const absorbed = merged.profileId === known.profileId ? anonymous.profileId : known.profileId;
    const survivor = await segmentsOf(merged.profileId, (m) => m.length === 2, 'the survivor in both segments');
    expect(survivor.map((m) => m.segmentId).sort()).toEqual(['pro-plan', 'triallers']);
    await eventually(
      async () => {
        const answer = await evaluator('GET', `/v1/profiles/${encodeURIComponent(absorbed)}/segments`);
        return answer.body.mergedInto === merged.profileId && answer.body.memberships.length === 0 ? true : undefined;
      },
      60_000,
      'the absorbed profile to leave every segment',
    );
  });

  it('backfill: a segment created after 1,000 profiles exist ends with the right members, its progress done', async () => {
    const people = Array.from({ length: 1000 }, (_, i) => ({
      type: 'identify',
      userId: `u-bf-${i}`,
      traits: { cohort: 'backfill', plan: i % 3 === 0 ? 'pro' : 'free' },
      timestamp: new Date(Date.now() - 60_000).toISOString(),
      messageId: `bf-${i}`,
    }));
    for (let i = 0; i < people.length; i += 250) await send('batch', { batch: people.slice(i, i + 250) });
    // every profile reached the evaluator: a preview of the cohort counts them all
    await eventually(
      async () => {
        const preview = await evaluator('POST', '/v1/segments/preview', {
          rule: { trait: 'traits.cohort', op: 'eq', value: 'backfill' },
          sampleSize: 0,
        });
        return preview.body.count === 1000 ? true : undefined;
      },
      120_000,
      'all 1,000 profiles in the evaluator',
    );

    const rule = {
      all: [
        { trait: 'traits.cohort', op: 'eq', value: 'backfill' },
        { trait: 'traits.plan', op: 'eq', value: 'pro' },
      ],
    };
    expect((await evaluator('POST', '/v1/segments', { id: 'backfilled-pros', name: 'pro plan, created late', rule })).status).toBe(201);
    const done = await eventually(
      async () => {
        const { body } = await evaluator('GET', '/v1/segments/backfilled-pros');
        return body.backfill.state === 'done' ? body : undefined;
      },
      120_000,
      'the backfill',
    );
    expect(done).toMatchObject({ memberCount: 334, backfill: { version: 1, state: 'done' } });
    expect(done.backfill.done).toBe(done.backfill.total);
    expect(done.backfill.total).toBeGreaterThanOrEqual(1000);
    const first = await evaluator('GET', '/v1/segments/backfilled-pros/members?limit=1000');
    expect(first.body.members).toHaveLength(334);
    const member = await client.waitForProfile('user_id', 'u-bf-0', (p) => p.traits.plan === 'pro');
    expect(first.body.members.map((m: Json) => m.profileId)).toContain(member.profileId);
  });
});
