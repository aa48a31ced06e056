import { Pool } from 'pg';

/** Reads a required environment variable of a child-process fixture. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`fixture needs ${name}`);
  return value;
}

/** The pool a fixture uses: bound to the test schema like a service's pool is bound to its own. */
export function fixturePool(): Pool {
  const pool = new Pool({ connectionString: requireEnv('DATABASE_URL'), options: `-c search_path=${requireEnv('SCHEMA')}`, max: 6 });
  pool.on('error', () => undefined);
  return pool;
}
