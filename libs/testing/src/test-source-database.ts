import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { runAsAdmin, testDatabaseUrl } from './test-database';

export interface TestSourceDatabase {
  /** A URL to the new database (same server, user and password as the embedded Postgres). */
  url: string;
  database: string;
  /** A pool on the new database, for seeding the source. */
  pool: Pool;
  /** Ends the pool and drops the database (closing whatever connections a connector left open). */
  drop(): Promise<void>;
}

/**
 * A fresh database `<prefix>_<random>` on the embedded Postgres that jest started: a connector's source system
 * (a billing or CRM database), apart from the services' schemas, which live in the default database.
 */
export async function createTestSourceDatabase(prefix = 'connector_src'): Promise<TestSourceDatabase> {
  const adminUrl = testDatabaseUrl();
  const database = `${prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40)}_${randomBytes(6).toString('hex')}`;
  await runAsAdmin(adminUrl, `CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const pool = new Pool({ connectionString: url.toString(), max: 3 });
  pool.on('error', () => undefined);
  let dropped = false;
  return {
    url: url.toString(),
    database,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await runAsAdmin(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    },
  };
}
