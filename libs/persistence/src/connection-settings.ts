import type { PoolConfig } from 'pg';
import { assertSchemaName } from './sql-identifier';

export interface SchemaConnectionOptions {
  /** postgres:// URL; an `options` query parameter in it is kept, but the schema binding always wins. */
  url: string;
  /** The service's own schema; every connection's search_path is this schema only. */
  schema: string;
  /** Pool size per process; default 10. */
  poolSize?: number;
  /** Server-side cap per statement (ms); default 30000, 0 disables. */
  statementTimeoutMs?: number;
  /** Kills sessions idle inside a transaction so a stuck client cannot hold locks forever (ms); default 60000. */
  idleInTransactionTimeoutMs?: number;
  /** Shown in pg_stat_activity; default `tessera:<schema>`. */
  applicationName?: string;
  /** How long to wait for a connection from the server (ms); default 10000. */
  connectionTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;

/**
 * node-postgres settings that bind every connection to one schema. search_path travels in the startup packet
 * (`options=-c search_path=...`), so it holds from the first statement on every pooled connection, with no
 * per-checkout `SET` that a pool reset could undo.
 */
export function buildSchemaPoolConfig(options: SchemaConnectionOptions): PoolConfig {
  const schema = assertSchemaName(options.schema);
  const { connectionString, userOptions } = takeOptionsParameter(options.url);
  const bindSchema = `-c search_path=${schema}`;
  return {
    connectionString,
    options: userOptions ? `${userOptions} ${bindSchema}` : bindSchema,
    application_name: options.applicationName ?? `tessera:${schema}`,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
  };
}

/**
 * node-postgres lets parameters parsed from the URL override explicit config, so an `options` parameter in the
 * URL would silently replace the search_path binding; lift it out and append the binding after it instead.
 */
function takeOptionsParameter(url: string): { connectionString: string; userOptions?: string } {
  if (!/[?&]options=/.test(url)) return { connectionString: url };
  const parsed = new URL(url);
  const userOptions = parsed.searchParams.get('options') ?? undefined;
  if (userOptions === undefined) return { connectionString: url };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), userOptions };
}
