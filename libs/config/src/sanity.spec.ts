import { Client } from 'pg';

describe('workspace sanity', () => {
  it('reaches the embedded PostgreSQL started by jest global setup', async () => {
    const client = new Client({ connectionString: process.env.TESSERA_TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('select 1 + 1 as n');
    await client.end();
    expect(rows[0].n).toBe(2);
  });
});
