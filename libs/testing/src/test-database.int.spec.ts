import { Client } from 'pg';
import { createTestSchema } from './index';

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('createTestSchema', () => {
  it('gives each call a fresh, uniquely named schema with a pool bound to it', async () => {
    const [a, b] = await Promise.all([createTestSchema('suite'), createTestSchema('suite')]);
    try {
      expect(a.schema).not.toBe(b.schema);
      expect(a.schema).toMatch(/^suite_[0-9a-f]{12}$/);
      expect(a.url).toBe(process.env.TESSERA_TEST_DATABASE_URL);
      await a.pool.query('CREATE TABLE things (id int)');
      await a.pool.query('INSERT INTO things VALUES (1), (2)');
      const { rows } = await a.pool.query(`SELECT count(*)::int AS n FROM "${a.schema}".things`);
      expect(rows).toEqual([{ n: 2 }]);
      await expect(b.pool.query('SELECT * FROM things')).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await a.drop();
      await b.drop();
    }
  });

  it('drop() removes the schema with its tables and ends the pool', async () => {
    const test = await createTestSchema('Weird-Prefix!');
    expect(test.schema).toMatch(/^weird_prefix__[0-9a-f]{12}$/);
    await test.pool.query('CREATE TABLE t (id int)');
    await test.drop();
    expect(await schemaExists(test.url, test.schema)).toBe(false);
    expect(test.pool.ended).toBe(true);
    await test.drop(); // idempotent, so afterAll hooks may call it defensively
  });
});
