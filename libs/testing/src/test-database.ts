import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

export interface TestSchema {
  /** The embedded Postgres URL (not bound to the schema); pass it with `schema` to the code under test. */
  url: string;
  /** A fresh schema, unique to this call. */
  schema: string;
  /** A pool whose search_path is the schema, for seeding and asserting. */
  pool: Pool;
  /** Ends the pool and drops the schema with everything in it. */
  drop(): Promise<void>;
}

/** The embedded Postgres that jest's global setup started (libs/testing/src/jest-global-setup.js). */
export function testDatabaseUrl(): string {
  const url = process.env.TESSERA_TEST_DATABASE_URL;
  if (!url) throw new Error('TESSERA_TEST_DATABASE_URL is not set: run tests through jest (its global setup starts the embedded Postgres)');
  return url;
}

/**
 * A uniquely named schema in the shared embedded Postgres, so suites running in parallel never see each
 * other's tables. The name is `<prefix>_<random>`, lowercase, within Postgres's 63-character limit.
 */
export async function createTestSchema(prefix = 'test'): Promise<TestSchema> {
  const url = testDatabaseUrl();
  const cleanPrefix = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z_]/, '_')
    .slice(0, 40);
  const schema = `${cleanPrefix}_${randomBytes(6).toString('hex')}`;
  await runAsAdmin(url, `CREATE SCHEMA "${schema}"`);
  // Plain pg rather than @tessera/persistence's pool factory, so persistence's own tests can use this helper
  // without a dependency cycle; the binding is the same startup-packet search_path.
  const pool = new Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 5, application_name: `test:${schema}` });
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    url,
    schema,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await runAsAdmin(url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** Runs one statement on its own connection (CREATE/DROP SCHEMA or DATABASE, which a pool's session should not hold). */
export async function runAsAdmin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
