import type { SegmentMembershipChange } from '@tessera/contracts';
import type { SqlExecutor } from '@tessera/kafka';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { ActivationInputApplier } from './activation-input.applier';

function change(profileId: string, kind: 'entered' | 'exited', version: number): SegmentMembershipChange {
  return {
    segmentId: 'seg',
    profileId,
    change: kind,
    version,
    segmentVersion: 1,
    identifiers: [{ type: 'email', value: `${profileId}@example.com` }],
    values: '{}',
    snapshotOmitted: false,
    isTest: false,
    at: Date.now(),
    reason: null,
  };
}

/**
 * A delivery row waits for its slice's whole transaction, so the statements a membership slice takes are latency:
 * docs/benchmarks.md measured eleven or twelve per slice, among them a scan of sync_members.
 */
describe('membership slice cost (embedded Postgres)', () => {
  const h = new DeliveryHarness();
  const profiles = Array.from({ length: 50 }, (_, i) => `p${i}`);

  beforeAll(async () => {
    await h.start('act_slice_cost', { pollMs: 600_000 });
    await h.destination('hook', { url: 'http://127.0.0.1:9/unused' });
    await h.schema.pool.query(
      `INSERT INTO syncs (sync_id, segment_id, destination_id, mode) VALUES ('s-hook', 'seg', 'hook', 'add_remove')`,
    );
  }, 60_000);

  afterAll(() => h.stop());

  /** Applies the changes in one transaction, recording the statements the applier ran. */
  async function apply(changes: SegmentMembershipChange[]): Promise<string[]> {
    const client = await h.schema.pool.connect();
    const statements: string[] = [];
    const tx = {
      query: (text: string, values?: unknown[]) => {
        statements.push(text);
        return client.query(text, values);
      },
    } as unknown as SqlExecutor;
    try {
      await client.query('BEGIN');
      await new ActivationInputApplier().memberships(tx, changes);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    return statements;
  }

  it("applies a slice of known profiles' changes in eight statements, and writes what they mean", async () => {
    await apply(profiles.map((p) => change(p, 'entered', 1)));
    const statements = await apply(profiles.map((p) => change(p, 'exited', 2)));
    // segment locks, profile locks, profile update, syncs, memberships with sync_members, suppressions, deliveries,
    // sync_members with segment_members
    expect(statements).toHaveLength(8);
    const { rows } = await h.schema.pool.query<{ action: string; n: number }>(
      `SELECT action, count(*)::int AS n FROM deliveries WHERE sync_id = 's-hook' GROUP BY action ORDER BY action`,
    );
    expect(rows).toEqual([
      { action: 'add', n: 50 },
      { action: 'remove', n: 50 },
    ]);
    const members = await h.schema.pool.query(`SELECT 1 FROM segment_members WHERE segment_id = 'seg'`);
    expect(members.rowCount).toBe(0);
    const present = await h.schema.pool.query<{ present: boolean; n: number }>(
      `SELECT present, count(*)::int AS n FROM sync_members WHERE sync_id = 's-hook' GROUP BY present`,
    );
    expect(present.rows).toEqual([{ present: false, n: 50 }]);
  });

  it('locks and reads profiles it has not seen yet in a second statement, creating them', async () => {
    const fresh = ['n1', 'n2', 'n3'];
    const statements = await apply([...fresh, 'p1'].map((p) => change(p, 'entered', 3)));
    expect(statements).toHaveLength(9);
    const { rows } = await h.schema.pool.query<{ profile_id: string; version: string }>(
      `SELECT profile_id, version FROM profiles WHERE profile_id = ANY($1::text[]) ORDER BY profile_id`,
      [[...fresh, 'p1']],
    );
    expect(rows.map((r) => [r.profile_id, Number(r.version)])).toEqual([
      ['n1', 3],
      ['n2', 3],
      ['n3', 3],
      ['p1', 3],
    ]);
    const members = await h.schema.pool.query<{ profile_id: string }>(
      `SELECT profile_id FROM segment_members WHERE segment_id = 'seg' ORDER BY profile_id`,
    );
    expect(members.rows.map((r) => r.profile_id)).toEqual(['n1', 'n2', 'n3', 'p1']);
  });
});
