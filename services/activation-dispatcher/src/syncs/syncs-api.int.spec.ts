import { MirrorScheduler } from '../mirror/mirror.scheduler';
import { ActivationInputApplier } from '../projection/activation-input.applier';
import { DispatcherHarness } from '../test-support/dispatcher-harness';

/** The syncs admin API and mirror diffs, on real Postgres and the embedded broker, against a local receiver. */
describe('syncs API and mirror', () => {
  const h = new DispatcherHarness();
  const members = async (segmentId: string, profileIds: string[]) => {
    for (const id of profileIds) {
      await h.profile(id, { 'traits.plan': 'pro' });
      await h.membership(segmentId, id, 'entered');
    }
    await h.waitFor(
      async () =>
        (await h.schema.pool.query('SELECT 1 FROM segment_members WHERE segment_id = $1', [segmentId])).rowCount === profileIds.length,
      20_000,
      async () => `${segmentId} members never arrived`,
    );
  };
  /** `action profile` of every delivery the sync planned, in order, whatever its status now. */
  const planned = async (syncId: string) =>
    (await h.deliveries()).filter((d) => d.sync_id === syncId).map((d) => `${d.action} ${d.profile_id}`);
  /** Waits until the worker has delivered every delivery of the sync. */
  const delivered = (syncId: string) =>
    h.waitFor(
      async () => (await h.deliveries()).filter((d) => d.sync_id === syncId).every((d) => d.status === 'delivered'),
      20_000,
      async () => `${syncId}: ${JSON.stringify((await h.deliveries()).filter((d) => d.sync_id === syncId).map((d) => d.status))}`,
    );
  const audience = (syncId: string) => [...h.receiver.audience(syncId)].sort();

  beforeAll(async () => {
    await h.start('activation_syncs');
    await h.webhook('hook');
    await h.webhook('listable', {}, {}, true);
  }, 90_000);
  afterAll(() => h.stop());

  it('a bad field mapping is 400 with a path per problem; a sync keeps its segment and destination', async () => {
    const bad = await h.http('POST', '/v1/syncs', {
      segmentId: 's',
      destinationId: 'hook',
      mode: 'upsert',
      mapping: { plan: 'traits.plan', '9x': 'email', age: 'favourite.colour', n: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['/mapping/9x', '/mapping/age', '/mapping/n']);
    expect((await h.http('POST', '/v1/syncs', { segmentId: 's', destinationId: 'nope', mode: 'add_remove' })).body.details).toEqual([
      { path: '/destinationId', message: 'no such destination' },
    ]);
    expect((await h.http('POST', '/v1/syncs', { segmentId: 's', destinationId: 'hook', mode: 'sometimes' })).status).toBe(400);
    await h.sync('s1', 's', 'hook', 'add_remove');
    const moved = await h.http('PUT', '/v1/syncs/s1', { segmentId: 'other', destinationId: 'hook', mode: 'add_remove' });
    expect(moved.body.details).toEqual([{ path: '/segmentId', message: 'must stay s' }]);
    const edited = await h.http('PUT', '/v1/syncs/s1', {
      segmentId: 's',
      destinationId: 'hook',
      mode: 'upsert',
      mapping: { plan: 'traits.plan' },
      scheduleSeconds: 60,
    });
    expect(edited.body).toMatchObject({ id: 's1', mode: 'upsert', mapping: { plan: 'traits.plan' }, scheduleSeconds: 60, enabled: true });
    expect((await h.http('GET', '/v1/syncs?destinationId=hook')).body.syncs.map((s: { id: string }) => s.id)).toEqual(['s1']);
  });

  it("a sync's status warns of a segment nobody is in and of computed fields no member has", async () => {
    const ghost = await h.sync('s-ghost', 'no-such-segment', 'hook', 'upsert', { n: 'computed.orders_30d' });
    expect(ghost.status).toEqual({
      members: 0,
      warnings: [{ path: '/segmentId', message: expect.stringContaining('no profile is in segment') }],
    });
    await members('cov', ['c1', 'c2']);
    await h.computed('c1', { 'computed.orders_30d': 3 });
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM profiles WHERE profile_id = 'c1' AND computed ? 'computed.orders_30d'`)).rowCount === 1,
      20_000,
      async () => 'c1 computed value never arrived',
    );
    const mapping = { orders: 'computed.orders_30d', typo: 'computed.ordres_30d', band: 'prediction.ltv_band', plan: 'traits.plan' };
    const created = await h.sync('s-cov', 'cov', 'hook', 'upsert', mapping);
    expect(created.status.members).toBe(2);
    const warnings = new Map(created.status.warnings.map((w: { path: string; message: string }) => [w.path, w.message]));
    expect([...warnings.keys()].sort()).toEqual(['/mapping/band', '/mapping/typo']);
    expect(warnings.get('/mapping/typo')).toMatch(/no member of the segment has a value for computed.ordres_30d/);
    expect((await h.http('GET', '/v1/syncs/s-cov')).body.status).toEqual(created.status);
    const fixed = await h.http('PUT', '/v1/syncs/s-cov', {
      segmentId: 'cov',
      destinationId: 'hook',
      mode: 'upsert',
      mapping: { orders: 'computed.orders_30d' },
    });
    expect(fixed.body.status).toEqual({ members: 2, warnings: [] });
  });

  it("a new sync enqueues the segment's current members at once", async () => {
    await members('existing', ['e1', 'e2']);
    const created = await h.sync('s-existing', 'existing', 'hook', 'add_remove');
    expect(created.initial).toMatchObject({ source: 'last_sent', members: 2, added: 2, removed: 0 });
    expect(await planned('s-existing')).toEqual(['add e1', 'add e2']);
    await delivered('s-existing');
    expect(audience('s-existing')).toEqual(['e1', 'e2']);
  });

  it('a member entering while the sync is created is enqueued exactly once: the first diff waits for the slice in flight', async () => {
    // a consumer slice applying p-race's enter, its transaction still open when the sync is created
    const slice = await h.schema.pool.connect();
    try {
      await slice.query('BEGIN');
      await new ActivationInputApplier().memberships(slice, [
        {
          segmentId: 'racing',
          profileId: 'p-race',
          change: 'entered',
          version: 1,
          segmentVersion: 1,
          identifiers: [{ type: 'email', value: 'race@example.com' }],
          values: '{}',
          isTest: false,
          at: Date.now(),
          reason: null,
          snapshotOmitted: false,
        },
      ]);
      const creating = h.sync('s-racing', 'racing', 'hook', 'add_remove');
      const lockWaiters = async () =>
        (await h.schema.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rowCount ?? 0;
      let settled = false;
      void creating.finally(() => (settled = true));
      // either the diff waits for the slice (the fix), or it finishes without the uncommitted member (the race)
      await h.waitFor(
        async () => settled || (await lockWaiters()) > 0,
        20_000,
        async () => 'the sync was neither created nor waiting',
      );
      await slice.query('COMMIT');
      expect((await creating).initial).toMatchObject({ members: 1, added: 1 });
    } finally {
      slice.release();
    }
    expect(await planned('s-racing')).toEqual(['add p-race']);
  });

  it('a sync switched off misses the enters meanwhile, and catches up when switched on again', async () => {
    await members('paused', ['q1']);
    await h.sync('s-paused', 'paused', 'hook', 'add_remove');
    await h.http('PUT', '/v1/syncs/s-paused', { segmentId: 'paused', destinationId: 'hook', mode: 'add_remove', enabled: false });
    await h.membership('paused', 'q2', 'entered');
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'paused' AND profile_id = 'q2'`)).rowCount === 1,
      20_000,
      async () => 'q2 never entered',
    );
    expect(await planned('s-paused')).toEqual(['add q1']);
    const resumed = await h.http('PUT', '/v1/syncs/s-paused', {
      segmentId: 'paused',
      destinationId: 'hook',
      mode: 'add_remove',
      enabled: true,
    });
    expect(resumed.body.catchUp).toMatchObject({ added: 1, removed: 0 });
    expect(await planned('s-paused')).toEqual(['add q1', 'add q2']);
    await delivered('s-paused');
    expect(audience('s-paused')).toEqual(['q1', 'q2']);
  });

  it('mirror without a listing diffs against what Tessera last sent, and a second run enqueues nothing', async () => {
    await members('m', ['m1', 'm2', 'm3']);
    await h.sync('s-mirror', 'm', 'hook', 'mirror');
    await h.membership('m', 'm3', 'exited');
    await h.membership('m', 'm4', 'entered');
    await h.waitFor(
      async () => (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'm' AND profile_id = 'm4'`)).rowCount === 1,
      20_000,
      async () => 'm4 never entered',
    );
    expect(await planned('s-mirror')).toEqual(['add m1', 'add m2', 'add m3']); // mirror mode sends nothing in real time
    const run = await h.http('POST', '/v1/syncs/s-mirror/mirror');
    expect(run.body).toMatchObject({ source: 'last_sent', members: 3, added: 1, removed: 1 });
    expect(await planned('s-mirror')).toEqual(['add m1', 'add m2', 'add m3', 'add m4', 'remove m3']);
    expect((await h.http('POST', '/v1/syncs/s-mirror/mirror')).body).toMatchObject({ added: 0, removed: 0 });
    await delivered('s-mirror');
    expect(audience('s-mirror')).toEqual(['m1', 'm2', 'm4']);
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_activation_dispatcher_mirror_runs_total\{[^}]*source="last_sent"[^}]*\} [1-9]/);
  });

  it('mirror without a listing sends again what the destination refused (failed), once the destination takes it', async () => {
    await members('f', ['f1', 'f2']);
    h.receiver.statusByPath.set('/refusing', 400);
    await h.webhook('refusing', {}, { url: `${h.receiver.url}/refusing` });
    await h.sync('s-refused', 'f', 'refusing', 'mirror');
    await h.waitFor(
      async () => (await h.deliveries()).filter((d) => d.sync_id === 's-refused' && d.status === 'failed').length === 2,
      20_000,
      async () => `s-refused: ${JSON.stringify((await h.deliveries()).filter((d) => d.sync_id === 's-refused').map((d) => d.status))}`,
    );
    h.receiver.statusByPath.delete('/refusing');
    const run = await h.http('POST', '/v1/syncs/s-refused/mirror');
    expect(run.body).toMatchObject({ source: 'last_sent', members: 2, added: 2, removed: 0 });
    await h.waitFor(
      async () => (await h.deliveries()).filter((d) => d.sync_id === 's-refused' && d.status === 'delivered').length === 2,
      20_000,
      async () => 's-refused: the second adds were not delivered',
    );
    expect(audience('s-refused')).toEqual(['f1', 'f2']);
    expect((await h.http('POST', '/v1/syncs/s-refused/mirror')).body).toMatchObject({ added: 0, removed: 0 });
  });

  it('mirror of a destination that lists its contents: after drift by hand, exactly the adds and removes that make it equal', async () => {
    await members('d', ['d1', 'd2', 'd3']);
    await h.sync('s-drift', 'd', 'listable', 'add_remove');
    await delivered('s-drift');
    expect(audience('s-drift')).toEqual(['d1', 'd2', 'd3']);
    const fake = h.receiver.audience('s-drift');
    fake.delete('d2'); // removed by hand
    fake.add('stranger'); // added by hand
    const run = await h.http('POST', '/v1/syncs/s-drift/mirror');
    expect(run.body).toMatchObject({ source: 'destination', members: 3, added: 1, removed: 1 });
    expect((await planned('s-drift')).slice(3)).toEqual(['add d2', 'remove stranger']);
    // pending deliveries count as sent, and delivered ones are listed: running again enqueues nothing more
    expect((await h.http('POST', '/v1/syncs/s-drift/mirror')).body).toMatchObject({ added: 0, removed: 0 });
    await delivered('s-drift');
    expect(audience('s-drift')).toEqual(['d1', 'd2', 'd3']);
  });

  it('the scheduler runs the mirror of a sync whose schedule is due', async () => {
    await members('sched', ['x1']);
    await h.sync('s-sched', 'sched', 'hook', 'mirror');
    await h.http('PUT', '/v1/syncs/s-sched', { segmentId: 'sched', destinationId: 'hook', mode: 'mirror', scheduleSeconds: 10 });
    await h.membership('sched', 'x2', 'entered');
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'sched' AND profile_id = 'x2'`)).rowCount === 1,
      20_000,
      async () => 'x2 never entered',
    );
    await h.schema.pool.query(`UPDATE syncs SET last_mirrored_at = now() - interval '1 minute' WHERE sync_id = 's-sched'`);
    const reports = await h.service.app.get(MirrorScheduler).runDue();
    expect(reports.find((r) => r.syncId === 's-sched')).toMatchObject({ added: 1, removed: 0 });
    expect(await planned('s-sched')).toEqual(['add x1', 'add x2']);
    await delivered('s-sched');
    expect(audience('s-sched')).toEqual(['x1', 'x2']);
  });
});
