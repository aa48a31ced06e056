import { Topics } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);
const PLANS = ['free', 'pro', 'team'];

/** A segment created (and edited) after the profiles exist is computed over all of them, with progress in the API. */
describe('backfill', () => {
  const h = new EvaluatorHarness();
  const ids = Array.from({ length: 1000 }, (_, i) => `bf-${String(i).padStart(4, '0')}`);
  const planOf = (i: number) => PLANS[i % 3];
  const flips = (segmentId: string) =>
    h.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.segmentId === segmentId)
      .map((m) => `${m.value.change} ${m.value.profileId}`);

  beforeAll(async () => {
    await h.start('segments_backfill', T0);
    for (let i = 0; i < ids.length; i++) await h.profile(ids[i], { 'traits.plan': planOf(i) });
    await h.waitForDecided(ids[ids.length - 1]);
    await eventually(async () =>
      (await h.http('POST', '/v1/segments/preview', { rule: { trait: 'traits.plan', op: 'exists' } })).body.total === 1000
        ? true
        : undefined,
    );
  }, 120_000);
  afterAll(() => h.stop());

  const waitForBackfill = (version: number) =>
    eventually(
      async () => {
        const { body } = await h.http('GET', '/v1/segments/paid');
        return body.backfill?.version === version && body.backfill.state === 'done' ? body : undefined;
      },
      60_000,
      `backfill of version ${version}`,
    );

  it('previews an unsaved rule: count and a sample', async () => {
    const preview = await h.http('POST', '/v1/segments/preview', { rule: { trait: 'traits.plan', op: 'eq', value: 'pro' }, sampleSize: 3 });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ count: 333, total: 1000, sample: ['bf-0001', 'bf-0004', 'bf-0007'] });
    expect((await h.http('POST', '/v1/segments/preview', { rule: { trait: 'traits.plan', op: 'nope' } })).body.message).toMatch(
      /^body\/rule\/op must be one of/,
    );
  });

  it('a new segment ends with the right members, progress done = total, and no duplicate enters', async () => {
    await h.http('POST', '/v1/segments', { id: 'paid', name: 'paid', rule: { trait: 'traits.plan', op: 'eq', value: 'pro' } });
    const view = await waitForBackfill(1);
    expect(view).toMatchObject({ memberCount: 333, backfill: { done: 1000, total: 1000, state: 'done' } });
    const pro = ids.filter((_, i) => planOf(i) === 'pro');
    await eventually(async () => (flips('paid').length >= 333 ? true : undefined));
    expect(flips('paid').sort()).toEqual(pro.map((id) => `entered ${id}`).sort());
  });

  it('an edit re-decides everyone: members who still match get no second enter, the others exit only if they no longer match', async () => {
    await h.http('PUT', '/v1/segments/paid', { name: 'paid', rule: { trait: 'traits.plan', op: 'in', value: ['pro', 'team'] } });
    await waitForBackfill(2);
    const team = ids.filter((_, i) => planOf(i) === 'team');
    const pro = ids.filter((_, i) => planOf(i) === 'pro');
    await eventually(async () => (flips('paid').length >= 666 ? true : undefined));
    expect(flips('paid').slice(333).sort()).toEqual(team.map((id) => `entered ${id}`).sort());

    await h.http('PUT', '/v1/segments/paid', { name: 'paid', rule: { trait: 'traits.plan', op: 'eq', value: 'team' } });
    const view = await waitForBackfill(3);
    expect(view.memberCount).toBe(333);
    await eventually(async () => (flips('paid').length >= 999 ? true : undefined));
    expect(flips('paid').slice(666).sort()).toEqual(pro.map((id) => `exited ${id}`).sort());
    const page = await h.http('GET', '/v1/segments/paid/members?limit=2');
    expect(page.body).toMatchObject({ members: [{ profileId: 'bf-0002', segmentVersion: 2 }, { profileId: 'bf-0005' }], next: 'bf-0005' });
    expect((await h.http('GET', '/v1/segments/paid/members?limit=2&after=bf-0005')).body.members[0].profileId).toBe('bf-0008');
  });
});
