import { Client } from 'pg';
import { assertSchemaName, quoteIdentifier } from './sql-identifier';

/**
 * Creates the schema if it is missing. Existence is checked first because in production the service's role
 * may own a pre-created schema without holding CREATE on the database, and CREATE SCHEMA IF NOT EXISTS checks
 * that privilege before it checks existence.
 */
export async function ensureSchema(client: Client, schema: string): Promise<boolean> {
  assertSchemaName(schema);
  const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rowCount) return false;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    return true;
  } catch (error) {
    // Another process won the race between the check and the create (unique violation on pg_namespace).
    if ((error as { code?: string }).code === '23505') return false;
    throw error;
  }
}

/**
 * Serialises schema creation and migrations per schema across processes (replicas starting together, the dev
 * stack restarting) with a session advisory lock; the lock dies with the connection if the process does.
 */
export async function withSchemaLock<T>(url: string, schema: string, work: (client: Client) => Promise<T>): Promise<T> {
  assertSchemaName(schema);
  const client = new Client({ connectionString: url, application_name: `tessera:${schema}:migrations` });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('tessera.schema-bootstrap'), hashtext($1))", [schema]);
    return await work(client);
  } finally {
    // Ending the session releases the advisory lock as well; no explicit unlock needed.
    await client.end().catch(() => undefined);
  }
}

/** Creates the schema (under the lock) and returns; for raw-pg users that run their own DDL. */
export async function bootstrapSchema(url: string, schema: string): Promise<void> {
  await withSchemaLock(url, schema, (client) => ensureSchema(client, schema));
}
