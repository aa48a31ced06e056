import { createTestSchema, genericPlanWork, type TestSchema } from './index';

describe('genericPlanWork (Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('plan_work');
    await db.pool.query('CREATE TABLE people (id int PRIMARY KEY, merged_into int)');
    await db.pool.query('CREATE INDEX people_merged ON people (merged_into) WHERE merged_into IS NOT NULL');
    await db.pool.query('INSERT INTO people SELECT n, NULLIF(n % 3, 0) FROM generate_series(1, 20000) n');
    await db.pool.query('ANALYZE people');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('passes a keyed probe and names a seq scan and an unkeyed join', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const keyed = 'SELECT p.id FROM unnest($1::int[]) AS k(id) JOIN LATERAL (SELECT id FROM people WHERE id = k.id OFFSET 0) p ON true';
      const scan = 'SELECT id FROM people WHERE merged_into + 0 = $1';
      const unkeyed = 'SELECT p.id FROM unnest($1::int[]) AS k(id) JOIN people p ON p.id + 0 = k.id';
      const { asPlanned, nestedLoops } = await genericPlanWork(client, [keyed, scan, unkeyed, 'SET LOCAL work_mem = 1024']);
      expect(asPlanned.map(([text]) => text)).toEqual([scan, unkeyed]);
      expect(nestedLoops.find(([text]) => text === unkeyed)?.[1]).toEqual(expect.arrayContaining([expect.stringMatching(/^join filter /)]));
      // The hash and merge joins are back on for the caller's transaction.
      const { rows } = await client.query<{ on: string }>("SELECT current_setting('enable_hashjoin') AS on");
      expect(rows[0].on).toBe('on');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
