import { createTestSchema, type TestSchema } from '@tessera/testing';
import { preparingExecutor } from './prepared-statements';

describe('preparingExecutor (Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('prepared_statements');
  });
  afterAll(() => db?.drop());

  it('runs each text as one named prepared statement of the connection, with the same results', async () => {
    const client = await db.pool.connect();
    try {
      const tx = preparingExecutor(client);
      for (const n of [1, 2, 3]) expect((await tx.query('SELECT $1::int + 1 AS n', [n])).rows).toEqual([{ n: n + 1 }]);
      expect((await tx.query('SELECT $1::text AS t', ['x'])).rows).toEqual([{ t: 'x' }]);
      const { rows } = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement');
      expect(rows.map((row) => row.statement)).toEqual(['SELECT $1::int + 1 AS n', 'SELECT $1::text AS t']);
    } finally {
      client.release(true);
    }
  });
});
