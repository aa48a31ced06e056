import { eventually } from '@tessera/testing';
import { EvaluatorHarness } from '../test-support/evaluator-harness';
import { SegmentBackfillWorker } from './segment-backfill.worker';

const T0 = Date.UTC(2026, 5, 1);

/**
 * A backfill page that waits for a profile lock while a segment is deleted must not decide the deleted segment from
 * definitions read before the wait: the member the delete let out would enter again, with no segment to leave.
 */
describe('backfill page racing a segment delete', () => {
  const h = new EvaluatorHarness();
  const poll = process.env.SEGMENTS_TIMER_POLL_MS;

  beforeAll(async () => {
    process.env.SEGMENTS_TIMER_POLL_MS = '60000'; // the test runs the backfill page itself, at a chosen moment
    await h.start('segments_backfill_race', T0);
  }, 90_000);
  afterAll(async () => {
    await h.stop();
    if (poll === undefined) delete process.env.SEGMENTS_TIMER_POLL_MS;
    else process.env.SEGMENTS_TIMER_POLL_MS = poll;
  });

  const waitingForLocks = (n: number) =>
    eventually(
      async () => {
        const { rows } = await h.schema.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows[0].n >= n ? true : undefined;
      },
      20_000,
      `${n} sessions waiting for a lock`,
    );

  it('a dependent segment deleted while the page waited stays deleted for that member', async () => {
    const worker = h.service.app.get(SegmentBackfillWorker);
    await h.http('POST', '/v1/segments', { id: 'a', name: 'a', rule: { trait: 'traits.plan', op: 'exists' } });
    await h.http('POST', '/v1/segments', { id: 'b', name: 'b', rule: { segment: 'a' } });
    await h.profile('p-race', { 'traits.plan': 'pro' });
    await h.waitForChanges('p-race', ['entered a', 'entered b']);
    await worker.runPending(() => T0); // the backfills of the creations: nothing left pending
    // an edit of a queues a backfill that also decides b (it references a)
    expect((await h.http('PUT', '/v1/segments/a', { name: 'a again', rule: { trait: 'traits.plan', op: 'exists' } })).status).toBe(200);

    const holder = await h.schema.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM profiles WHERE profile_id = 'p-race' FOR UPDATE");
      // the delete of b queues for the member's lock first, then the backfill page of a
      const deleted = h.http('DELETE', '/v1/segments/b');
      await waitingForLocks(1);
      const page = worker.runPending(() => T0);
      await waitingForLocks(2);
      await holder.query('COMMIT');
      expect((await deleted).status).toBe(204);
      await page;
    } finally {
      holder.release();
    }
    await h.waitForChanges('p-race', ['entered a', 'entered b', 'exited b']);
    expect((await h.http('GET', '/v1/profiles/p-race/segments')).body.memberships.map((m: { segmentId: string }) => m.segmentId)).toEqual([
      'a',
    ]);
  });
});
