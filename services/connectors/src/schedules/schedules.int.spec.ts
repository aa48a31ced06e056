import { SERVICE_LOGGER } from '@tessera/service-kit';
import { RunWorker } from '../sync/run-worker';
import { ConnectorsHarness } from '../test-support/connectors-harness';
import { ScheduleTrigger } from './schedule-trigger';

const HOUR = 3_600_000;

describe('scheduled runs (embedded broker + Postgres, injected clock)', () => {
  const h = new ConnectorsHarness();
  // a long poll: the test drives the scheduler itself
  beforeAll(() => h.start('conn_sched', undefined, { pollMs: 60_000 }), 120_000);
  afterAll(() => h.stop());

  const runsOf = async (id: string) =>
    (await h.http('GET', `/v1/connections/${id}/runs`)).body as Array<{ id: string; state: string; trigger: string }>;

  it('runs a connection that missed many runs during downtime once, then schedules the next from now', async () => {
    const created = await h.connection('hourly', { rows: 3, checkpointEvery: 2 }, { schedule: { kind: 'hourly', minute: 0 } });
    expect(await h.scheduler.runDue()).toBe(0);
    h.clock.advance(10 * HOUR); // ten hourly runs missed
    expect(await h.scheduler.runDue()).toBe(1);
    expect(await h.scheduler.runDue()).toBe(0);
    const runs = await runsOf('hourly');
    expect(runs.map((r) => r.trigger)).toEqual(['schedule']);
    await h.service.app.get(RunWorker).poll();
    await h.waitForRun(runs[0].id);
    const next = Date.parse((await h.http('GET', '/v1/connections/hourly')).body.nextRunAt);
    expect(next).toBeGreaterThan(h.clock.now());
    expect(next - h.clock.now()).toBeLessThanOrEqual(HOUR);
    expect(Date.parse(created.nextRunAt)).toBeLessThan(next);
    // the later tests move the clock by minutes; an hourly run falling due then would count in their rounds
    await h.http('PUT', '/v1/connections/hourly', {
      connector: 'generated-rows',
      config: { rows: 3, checkpointEvery: 2 },
      streams: [{ name: 'rows', mapping: {}, identifierField: 'id' }],
      enabled: false,
    });
  });

  it('skips a due time while the previous run is still active (no overlap) and moves on', async () => {
    await h.connection('overlap', { rows: 400, checkpointEvery: 10, delayMs: 200 }, { schedule: { kind: 'interval', minutes: 5 } });
    h.clock.advance(6 * 60_000);
    expect(await h.scheduler.runDue()).toBe(1);
    const [first] = await runsOf('overlap');
    await h.waitForRun(first.id, ['running']);
    h.clock.advance(6 * 60_000);
    expect(await h.scheduler.runDue()).toBe(0);
    expect(await runsOf('overlap')).toHaveLength(1);
    await h.http('POST', `/v1/runs/${first.id}/cancel`);
  });

  it('lets replicas claim due connections concurrently without queueing one twice', async () => {
    await h.http('PUT', '/v1/connections/overlap', {
      connector: 'generated-rows',
      config: { rows: 3, checkpointEvery: 2 },
      streams: [{ name: 'rows', mapping: {}, identifierField: 'id' }],
      schedule: null,
    });
    for (const id of ['a', 'b', 'c', 'd'])
      await h.connection(
        `multi-${id}`,
        { rows: 1, checkpointEvery: 1 },
        { schedule: { kind: 'daily', at: '03:00' }, timezone: 'Asia/Tokyo' },
      );
    h.clock.advance(25 * HOUR);
    // a second trigger on the same database: what another replica runs
    const replica = new ScheduleTrigger(
      h.schema.pool,
      { pollMs: 60_000, leaseMs: 3_000, maxConcurrentRuns: 1, maxUncheckpointedRecords: 1_000 },
      h.service.app.get(SERVICE_LOGGER),
      h.clock,
      h.service.app.get(RunWorker),
    );
    const [x, y] = await Promise.all([h.scheduler.runDue(), replica.runDue()]);
    expect(x + y).toBe(4);
    for (const id of ['a', 'b', 'c', 'd']) expect(await runsOf(`multi-${id}`)).toHaveLength(1);
  });
});
