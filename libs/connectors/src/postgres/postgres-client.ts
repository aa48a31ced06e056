import { Client } from 'pg';
import type { PostgresConfig } from './postgres-config';
import { RECORD_TYPES } from './postgres-types';

/**
 * A connection to the source in UTC with ISO dates (what RECORD_TYPES expects), or an Error that says where it
 * tried to connect and why it failed, never with the password in it.
 */
export async function connectSource(config: PostgresConfig): Promise<Client> {
  const client = new Client({
    connectionString: config.connectionString,
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password,
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    application_name: 'tessera-connector',
    connectionTimeoutMillis: 10_000,
    types: RECORD_TYPES,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET datestyle TO 'ISO, YMD'");
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(scrubSecrets(`could not connect to Postgres at ${describeTarget(config)}: ${messageOf(error)}`, config));
  }
}

/** `host:port/database as user`, from the parts or the connection string (without its password). */
export function describeTarget(config: PostgresConfig): string {
  if (config.connectionString === undefined) return `${config.host}:${config.port ?? 5432}/${config.database} as ${config.user}`;
  try {
    const url = new URL(config.connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname} as ${decodeURIComponent(url.username)}`;
  } catch {
    return 'the configured connection string';
  }
}

/** A message with every secret of the config (the password, the connection string and its password) masked. */
export function scrubSecrets(message: string, config: PostgresConfig): string {
  const secrets = [config.connectionString, config.password, ...passwordsOf(config.connectionString)].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  // Longest first, so the connection string goes before the password inside it.
  return secrets.sort((a, b) => b.length - a.length).reduce((text, secret) => text.split(secret).join('***'), message);
}

/** An error's words; duck-typed, as errors from node:net (another realm under jest) fail `instanceof Error`. */
export function messageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { errors, message, code, name } = error as { errors?: unknown[]; message?: string; code?: string; name?: string };
  // An AggregateError (localhost tried as ::1 and 127.0.0.1) has no message of its own.
  if (Array.isArray(errors) && errors.length > 0) return errors.map(messageOf).join('; ');
  return message || code || name || String(error);
}

/** The password of a connection string as written (percent-encoded) and decoded. */
function passwordsOf(connectionString: string | undefined): string[] {
  if (connectionString === undefined) return [];
  try {
    const password = new URL(connectionString).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return [];
  }
}
