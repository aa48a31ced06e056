import { Topics } from '@tessera/contracts';
import { EvaluatorHarness, READ_TOKEN } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);

/** The segments admin API over HTTP, on real Postgres and the embedded broker. */
describe('segments API', () => {
  const h = new EvaluatorHarness();
  beforeAll(() => h.start('segments_api', T0), 90_000);
  afterAll(() => h.stop());

  it('creates, reads, lists, versions every edit, and needs the admin token on every route', async () => {
    const created = await h.http('POST', '/v1/segments', {
      id: 'pro',
      name: 'Pro plan',
      rule: { trait: 'traits.plan', op: 'eq', value: 'pro' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'pro',
      version: 1,
      includeTestProfiles: false,
      memberCount: 0,
      backfill: { version: 1, total: 0 },
    });
    const edited = await h.http('PUT', '/v1/segments/pro', {
      name: 'Pro or team',
      rule: { trait: 'traits.plan', op: 'in', value: ['pro', 'team'] },
    });
    expect(edited.body).toMatchObject({ id: 'pro', version: 2, name: 'Pro or team' });
    expect(
      (await h.http('GET', '/v1/segments/pro/versions')).body.versions.map((v: { version: number; name: string }) => [v.version, v.name]),
    ).toEqual([
      [1, 'Pro plan'],
      [2, 'Pro or team'],
    ]);
    expect((await h.http('GET', '/v1/segments')).body.segments.map((s: { id: string }) => s.id)).toContain('pro');
    expect((await h.http('POST', '/v1/segments', { id: 'pro', name: 'again', rule: { segment: 'x' } })).status).toBe(400);
    expect((await h.http('POST', '/v1/segments', { id: 'pro', name: 'again', rule: { trait: 'traits.plan', op: 'exists' } })).status).toBe(
      409,
    );
    expect((await h.http('GET', '/v1/segments/nope')).status).toBe(404);
    for (const [method, path] of [
      ['GET', '/v1/segments'],
      ['POST', '/v1/segments/preview'],
      ['GET', '/v1/segments/pro/members'],
      ['GET', '/v1/profiles/p/segments'],
    ]) {
      expect((await fetch(`${h.service.url}${path}`, { method })).status).toBe(401);
    }
  });

  it('refuses the read token even on GET: every evaluator route takes the admin token only', async () => {
    for (const path of [
      '/v1/segments',
      '/v1/segments/pro',
      '/v1/segments/pro/members',
      '/v1/segments/pro/versions',
      '/v1/profiles/p/segments',
      '/v1/computed-traits',
      '/v1/computed-traits/x',
    ]) {
      const res = await h.http('GET', path, undefined, READ_TOKEN);
      expect([path, res.status, res.body.message]).toEqual([path, 403, expect.stringContaining('admin token only')]);
    }
    expect((await h.http('GET', '/v1/segments/pro')).status).toBe(200);
  });

  it('a bad rule is 400 with a message and the JSON Pointer into the rule', async () => {
    const bad = await h.http('POST', '/v1/segments', {
      name: 'bad',
      rule: {
        all: [
          { trait: 'traits.a', op: 'eq', value: 1 },
          { event: 'X', where: [{ property: 'p', op: 'bigger', value: 1 }] },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^body\/rule\/all\/1\/where\/0\/op must be one of eq, neq/);
    expect(bad.body.details).toEqual([{ path: '/rule/all/1/where/0/op', message: expect.stringContaining('must be one of') }]);
  });

  it('refuses a reference cycle and the deletion of a referenced segment; deleting exits every member', async () => {
    await h.http('POST', '/v1/segments', { id: 'a', name: 'a', rule: { trait: 'traits.plan', op: 'exists' } });
    await h.http('POST', '/v1/segments', { id: 'b', name: 'b', rule: { segment: 'a' } });
    const cycle = await h.http('PUT', '/v1/segments/a', { name: 'a', rule: { not: { segment: 'b' } } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.message).toContain('a -> b -> a');
    const renamed = await h.http('PUT', '/v1/segments/a', { id: 'z', name: 'a', rule: { trait: 'traits.plan', op: 'exists' } });
    expect([renamed.status, renamed.body.details]).toEqual([400, [{ path: '/id', message: 'must match the path id' }]]);
    expect(cycle.body.details).toEqual([{ path: '/rule/not/segment', message: 'closes the reference cycle a -> b -> a' }]);
    const unknown = await h.http('POST', '/v1/segments', { id: 'c', name: 'c', rule: { any: [{ segment: 'a' }, { segment: 'nope' }] } });
    expect([unknown.status, unknown.body.details]).toEqual([400, [{ path: '/rule/any/1/segment', message: 'names no segment: nope' }]]);
    expect((await h.http('DELETE', '/v1/segments/a')).status).toBe(409);

    await h.profile('p-del', { 'traits.plan': 'free' });
    await h.waitForChanges('p-del', ['entered a', 'entered b']);
    expect((await h.http('DELETE', '/v1/segments/b')).status).toBe(204);
    await h.waitForChanges('p-del', ['entered a', 'entered b', 'exited b']);
    expect(
      h.collector.all(Topics.SegmentsMembership).find((m) => m.value.change === 'exited' && m.value.segmentId === 'b')?.value.reason,
    ).toBe('segment b deleted');
    expect((await h.http('GET', '/v1/segments/b')).status).toBe(404);
    expect((await h.http('GET', '/v1/profiles/p-del/segments')).body.memberships.map((m: { segmentId: string }) => m.segmentId)).toEqual([
      'a',
    ]);
  });
});
