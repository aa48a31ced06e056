import { eventually } from '@tessera/testing';
import { EvaluatorHarness } from '../test-support/evaluator-harness';

const T0 = Date.UTC(2026, 5, 1);

/**
 * A consumer slice that waits for a profile lock while a segment is deleted must decide with the definitions as they
 * are once it holds the lock: deciding from the ones read before the wait would let the member the delete let out
 * enter again, with no segment left to leave.
 */
describe('consumer slice racing a segment delete', () => {
  const h = new EvaluatorHarness();

  beforeAll(() => h.start('segments_consumer_race', T0), 90_000);
  afterAll(() => h.stop());

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

  it('a segment deleted while the slice waited stays deleted for that member', async () => {
    await h.http('POST', '/v1/segments', { id: 'a', name: 'a', rule: { trait: 'traits.plan', op: 'exists' } });
    await h.http('POST', '/v1/segments', { id: 'b', name: 'b', rule: { segment: 'a' } });
    await h.profile('p-race', { 'traits.plan': 'pro' });
    await h.waitForChanges('p-race', ['entered a', 'entered b']);

    const holder = await h.schema.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM profiles WHERE profile_id = 'p-race' FOR UPDATE");
      // the delete of b queues for the member's lock first, then the slice carrying a change that decides a and b
      const deleted = h.http('DELETE', '/v1/segments/b');
      await waitingForLocks(1);
      await h.profile('p-race', { 'traits.plan': 'team' });
      await waitingForLocks(2);
      await holder.query('COMMIT');
      expect((await deleted).status).toBe(204);
    } finally {
      holder.release();
    }
    await eventually(
      async () => {
        const { rows } = await h.schema.pool.query<{ version: string }>("SELECT version FROM profiles WHERE profile_id = 'p-race'");
        return Number(rows[0]?.version) === 2 ? true : undefined;
      },
      20_000,
      'the second version applied',
    );
    await h.waitForChanges('p-race', ['entered a', 'entered b', 'exited b']);
    expect((await h.http('GET', '/v1/profiles/p-race/segments')).body.memberships.map((m: { segmentId: string }) => m.segmentId)).toEqual([
      'a',
    ]);
  });
});
