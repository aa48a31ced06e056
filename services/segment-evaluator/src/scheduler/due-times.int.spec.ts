import { Topics } from '@tessera/contracts';
import { DAY_MS } from '../rules';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 7, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const within = (days: number) => ({ trait: 'traits.contract_end_date', op: 'withinNextDays', days });

/** One due time per profile (profiles.due_at_ms): the earliest next change of all its segments, fired exactly. */
describe('due times, one per profile', () => {
  const h = new EvaluatorHarness();
  const dueOf = async (profileId: string) => {
    const { rows } = await h.schema.pool.query<{ due: string | null }>('SELECT due_at_ms AS due FROM profiles WHERE profile_id = $1', [
      profileId,
    ]);
    return rows[0]?.due === null || rows[0] === undefined ? null : Number(rows[0].due);
  };
  const atOf = (profileId: string) =>
    h.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.profileId === profileId)
      .map((m) => m.value.at);

  beforeAll(async () => {
    await h.start('segments_due_times', T0);
    await h.http('POST', '/v1/segments', { id: 'ends-30d', name: '30 days', rule: within(30) });
    await h.http('POST', '/v1/segments', { id: 'ends-10d', name: '10 days', rule: within(10) });
    await h.http('POST', '/v1/segments', { id: 'gold', name: 'tier', rule: { trait: 'traits.tier', op: 'eq', value: 'gold' } });
  }, 90_000);
  afterAll(() => h.stop());

  it('stores the earliest next change of all segments and fires each segment at its own instant, to the millisecond', async () => {
    const end = T0 + 50 * DAY_MS;
    await h.profile('p-two', { 'traits.contract_end_date': iso(end), 'traits.tier': 'silver' });
    await h.waitForDecided('p-two');
    expect(await dueOf('p-two')).toBe(end - 30 * DAY_MS);
    await h.clockTo(end - 30 * DAY_MS + 1_000);
    await h.waitForChanges('p-two', ['entered ends-30d']);
    expect(await dueOf('p-two')).toBe(end - 10 * DAY_MS);
    await h.clockTo(end - 10 * DAY_MS + 1_000);
    await h.waitForChanges('p-two', ['entered ends-30d', 'entered ends-10d']);
    expect(atOf('p-two')).toEqual([end - 30 * DAY_MS, end - 10 * DAY_MS]);
    // both leave when the end passes: one due time, two exits (in dependency order, ids sorted)
    await h.clockTo(end + 1_000);
    await h.waitForChanges('p-two', ['entered ends-30d', 'entered ends-10d', 'exited ends-10d', 'exited ends-30d']);
    expect(await dueOf('p-two')).toBeNull();
  });

  it('a change that moves the earliest change later keeps the old due time, which fires once with no message and then sets the exact one', async () => {
    await h.clockTo(T0);
    const first = T0 + 60 * DAY_MS;
    const moved = first + 5 * DAY_MS;
    await h.profile('p-moved', { 'traits.contract_end_date': iso(first), 'traits.tier': 'silver' });
    await h.waitForDecided('p-moved');
    expect(await dueOf('p-moved')).toBe(first - 30 * DAY_MS);
    await h.profile('p-moved', { 'traits.contract_end_date': iso(moved), 'traits.tier': 'gold' });
    await h.waitForChanges('p-moved', ['entered gold']);
    await h.clockTo(first - 30 * DAY_MS + 1_000);
    expect(await dueOf('p-moved')).toBe(moved - 30 * DAY_MS);
    expect(h.changes('p-moved')).toEqual(['entered gold']);
    await h.clockTo(moved - 30 * DAY_MS + 1_000);
    await h.waitForChanges('p-moved', ['entered gold', 'entered ends-30d']);
    expect(atOf('p-moved')[1]).toBe(moved - 30 * DAY_MS);
  });
  it('an input that reaches a profile before the scheduler fired its passed due time: the time-driven enter is stamped with its due instant, then the input is decided', async () => {
    await h.clockTo(T0);
    const end = T0 + 70 * DAY_MS;
    await h.profile('p-overdue', { 'traits.contract_end_date': iso(end), 'traits.tier': 'silver' });
    await h.waitForDecided('p-overdue');
    const due = end - 30 * DAY_MS;
    expect(await dueOf('p-overdue')).toBe(due);
    // the clock passes the due time and an unrelated change arrives before the scheduler's next pass
    const now = due + 2 * DAY_MS;
    h.clock.set(now);
    await h.profile('p-overdue', { 'traits.contract_end_date': iso(end), 'traits.tier': 'gold' });
    await h.waitForChanges('p-overdue', ['entered ends-30d', 'entered gold']);
    expect(atOf('p-overdue')).toEqual([due, now]);
    expect(await dueOf('p-overdue')).toBe(end - 10 * DAY_MS);
  });
});
