import { Topics } from '@tessera/contracts';
import { DAY_MS } from '../rules';
import { DueTimerScheduler } from './due-timer.scheduler';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const churn = {
  all: [
    { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
    { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
  ],
};

/** Time-driven membership through stored due timers and an injectable clock: no sleeping, no rescans. */
describe('due timers', () => {
  const h = new EvaluatorHarness();
  const messagesOf = (profileId: string) =>
    h.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.profileId === profileId)
      .map((m) => m.value);

  beforeAll(async () => {
    await h.start('segments_timers', T0);
    await h.http('POST', '/v1/segments', { id: 'churn-risk', name: 'seed 002', rule: churn });
    await h.http('POST', '/v1/segments', {
      id: 'buyers-2x-7d',
      name: 'window',
      rule: { event: 'Order Completed', atLeast: 2, inLastDays: 7 },
    });
  }, 90_000);
  afterAll(() => h.stop());

  it('seed 002: enters when the clock brings the contract end within 30 days, to the millisecond, and leaves after it', async () => {
    const end = T0 + 40 * DAY_MS;
    await h.profile('p-time', { 'traits.contract_end_date': iso(end), 'traits.renewal_status': 'pending' });
    await h.waitForDecided('p-time');
    await h.clockTo(end - 30 * DAY_MS - 1);
    expect(h.changes('p-time')).toEqual([]);
    await h.clockTo(end - 30 * DAY_MS + 5_000);
    await h.waitForChanges('p-time', ['entered churn-risk']);
    expect(messagesOf('p-time')[0]).toMatchObject({ at: end - 30 * DAY_MS, reason: expect.stringContaining('within the next 30 days') });
    await h.clockTo(end + DAY_MS);
    await h.waitForChanges('p-time', ['entered churn-risk', 'exited churn-risk']);
    expect(messagesOf('p-time')[1]).toMatchObject({ at: end + 1 });
  });

  it('the window case: enters on the second order, exits when the clock passes 7 days after the older one, with no new event', async () => {
    await h.clockTo(T0);
    await h.track('p-window', 'w-1', 'Order Completed', T0 - DAY_MS);
    await h.track('p-window', 'w-2', 'Order Completed', T0);
    await h.waitForChanges('p-window', ['entered buyers-2x-7d']);
    await h.clockTo(T0 + 6 * DAY_MS - 1);
    expect(h.changes('p-window')).toEqual(['entered buyers-2x-7d']);
    await h.clockTo(T0 + 6 * DAY_MS + 60_000);
    await h.waitForChanges('p-window', ['entered buyers-2x-7d', 'exited buyers-2x-7d']);
    expect(messagesOf('p-window')[1].at).toBe(T0 + 6 * DAY_MS);
  });

  it('fires each due timer exactly once when several schedulers run at the same time', async () => {
    await h.clockTo(T0 + 10 * DAY_MS);
    const ids = Array.from({ length: 40 }, (_, i) => `p-many-${i}`);
    for (const id of ids)
      await h.profile(id, { 'traits.contract_end_date': iso(T0 + 45 * DAY_MS + 1000 * ids.indexOf(id)), 'traits.renewal_status': 'none' });
    for (const id of ids) await h.waitForDecided(id);
    h.clock.set(T0 + 16 * DAY_MS);
    const scheduler = h.service.app.get(DueTimerScheduler);
    const flips = await Promise.all([1, 2, 3, 4].map(() => scheduler.runDue(T0 + 16 * DAY_MS)));
    expect(flips.flat()).toHaveLength(40);
    for (const id of ids) await h.waitForChanges(id, ['entered churn-risk']);
    expect(await scheduler.runDue(T0 + 16 * DAY_MS)).toEqual([]);
  });
});
