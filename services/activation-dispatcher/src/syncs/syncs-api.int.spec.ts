import { MirrorScheduler } from '../mirror/mirror.scheduler';
import { DispatcherHarness } from '../test-support/dispatcher-harness';

/** The syncs admin API and mirror diffs, on real Postgres and the embedded broker, against a local receiver. */
describe('syncs API and mirror', () => {
  const h = new DispatcherHarness();
  const members = async (segmentId: string, profileIds: string[]) => {
    for (const id of profileIds) {
      await h.profile(id, { 'traits.plan': 'pro' });
      await h.membership(segmentId, id, 'entered');
    }
    await h.waitFor(async () => (await h.schema.pool.query('SELECT 1 FROM segment_members WHERE segment_id = $1', [segmentId])).rowCount === profileIds.length, 20_000, async () => `${segmentId} members never arrived`);
  };
  const pendingOf = async (syncId: string) => (await h.deliveries()).filter((d) => d.sync_id === syncId && d.status === 'pending').map((d) => `${d.action} ${d.profile_id}`);

  beforeAll(async () => {
    await h.start('activation_syncs');
    await h.webhook('hook');
    await h.webhook('listable', {}, { listable: true });
  }, 90_000);
  afterAll(() => h.stop());

  it('a bad field mapping is 400 with a path per problem; a sync keeps its segment and destination', async () => {
    const bad = await h.http('POST', '/v1/syncs', { segmentId: 's', destinationId: 'hook', mode: 'upsert', mapping: { plan: 'traits.plan', '9x': 'email', age: 'favourite.colour', n: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['$.mapping.9x', '$.mapping.age', '$.mapping.n']);
    expect((await h.http('POST', '/v1/syncs', { segmentId: 's', destinationId: 'nope', mode: 'add_remove' })).body.details).toEqual([{ path: '$.destinationId', message: 'no such destination' }]);
    expect((await h.http('POST', '/v1/syncs', { segmentId: 's', destinationId: 'hook', mode: 'sometimes' })).status).toBe(400);
    await h.sync('s1', 's', 'hook', 'add_remove');
    const moved = await h.http('PUT', '/v1/syncs/s1', { segmentId: 'other', destinationId: 'hook', mode: 'add_remove' });
    expect(moved.body.details).toEqual([{ path: '$.segmentId', message: 'must stay s' }]);
    const edited = await h.http('PUT', '/v1/syncs/s1', { segmentId: 's', destinationId: 'hook', mode: 'upsert', mapping: { plan: 'traits.plan' }, scheduleSeconds: 60 });
    expect(edited.body).toMatchObject({ id: 's1', mode: 'upsert', mapping: { plan: 'traits.plan' }, scheduleSeconds: 60, enabled: true });
    expect((await h.http('GET', '/v1/syncs?destinationId=hook')).body.syncs.map((s: { id: string }) => s.id)).toEqual(['s1']);
  });

  it('a new sync enqueues the segment\'s current members at once', async () => {
    await members('existing', ['e1', 'e2']);
    const created = await h.sync('s-existing', 'existing', 'hook', 'add_remove');
    expect(created.initial).toMatchObject({ source: 'last_sent', members: 2, added: 2, removed: 0 });
    expect(await pendingOf('s-existing')).toEqual(['add e1', 'add e2']);
  });

  it('a sync switched off misses the enters meanwhile, and catches up when switched on again', async () => {
    await members('paused', ['q1']);
    await h.sync('s-paused', 'paused', 'hook', 'add_remove');
    await h.http('PUT', '/v1/syncs/s-paused', { segmentId: 'paused', destinationId: 'hook', mode: 'add_remove', enabled: false });
    await h.membership('paused', 'q2', 'entered');
    await h.waitFor(async () => (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'paused' AND profile_id = 'q2'`)).rowCount === 1, 20_000, async () => 'q2 never entered');
    expect(await pendingOf('s-paused')).toEqual(['add q1']);
    const resumed = await h.http('PUT', '/v1/syncs/s-paused', { segmentId: 'paused', destinationId: 'hook', mode: 'add_remove', enabled: true });
    expect(resumed.body.catchUp).toMatchObject({ added: 1, removed: 0 });
    expect(await pendingOf('s-paused')).toEqual(['add q1', 'add q2']);
  });

  it('mirror without a listing diffs against what Tessera last sent, and a second run enqueues nothing', async () => {
    await members('m', ['m1', 'm2', 'm3']);
    await h.sync('s-mirror', 'm', 'hook', 'mirror');
    await h.membership('m', 'm3', 'exited');
    await h.membership('m', 'm4', 'entered');
    await h.waitFor(async () => (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'm' AND profile_id = 'm4'`)).rowCount === 1, 20_000, async () => 'm4 never entered');
    expect(await pendingOf('s-mirror')).toEqual(['add m1', 'add m2', 'add m3']); // mirror mode sends nothing in real time
    const run = await h.http('POST', '/v1/syncs/s-mirror/mirror');
    expect(run.body).toMatchObject({ source: 'last_sent', members: 3, added: 1, removed: 1 });
    expect(await pendingOf('s-mirror')).toEqual(['add m1', 'add m2', 'add m3', 'add m4', 'remove m3']);
    expect((await h.http('POST', '/v1/syncs/s-mirror/mirror')).body).toMatchObject({ added: 0, removed: 0 });
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_activation_dispatcher_mirror_runs_total\{[^}]*source="last_sent"[^}]*\} [1-9]/);
  });

  it('mirror of a destination that lists its contents: after drift by hand, exactly the adds and removes that make it equal', async () => {
    await members('d', ['d1', 'd2', 'd3']);
    await h.sync('s-drift', 'd', 'listable', 'add_remove');
    // the worker is not part of this test: mark the initial adds delivered and fill the fake as they would have
    await h.schema.pool.query(`UPDATE deliveries SET status = 'delivered' WHERE sync_id = 's-drift'`);
    const audience = h.receiver.audience('s-drift');
    for (const id of ['d1', 'd3', 'stranger']) audience.add(id); // d2 removed by hand, a stranger added by hand
    const run = await h.http('POST', '/v1/syncs/s-drift/mirror');
    expect(run.body).toMatchObject({ source: 'destination', members: 3, added: 1, removed: 1 });
    expect(await pendingOf('s-drift')).toEqual(['add d2', 'remove stranger']);
    // pending deliveries count as sent: running again before the worker delivers enqueues nothing more
    expect((await h.http('POST', '/v1/syncs/s-drift/mirror')).body).toMatchObject({ added: 0, removed: 0 });
  });

  it('the scheduler runs the mirror of a sync whose schedule is due', async () => {
    await members('sched', ['x1']);
    await h.sync('s-sched', 'sched', 'hook', 'mirror');
    await h.http('PUT', '/v1/syncs/s-sched', { segmentId: 'sched', destinationId: 'hook', mode: 'mirror', scheduleSeconds: 10 });
    await h.membership('sched', 'x2', 'entered');
    await h.waitFor(async () => (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'sched' AND profile_id = 'x2'`)).rowCount === 1, 20_000, async () => 'x2 never entered');
    await h.schema.pool.query(`UPDATE syncs SET last_mirrored_at = now() - interval '1 minute' WHERE sync_id = 's-sched'`);
    const reports = await h.service.app.get(MirrorScheduler).runDue();
    expect(reports.find((r) => r.syncId === 's-sched')).toMatchObject({ added: 1, removed: 0 });
    expect(await pendingOf('s-sched')).toEqual(['add x1', 'add x2']);
  });
});
