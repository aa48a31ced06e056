import { Pool } from 'pg';
import { buildSchemaPoolConfig, type SchemaConnectionOptions } from './connection-settings';
import { guardPoolClients } from './pool-client-guard';

/**
 * A raw pg.Pool bound to the service's schema, for code that needs plain SQL (the Kafka exactly-once
 * transactions, set-based writes). Idle-client errors (e.g. the server restarting) are reported to `onError`
 * instead of crashing the process, and so are errors on checked-out clients (guardPoolClients); the pool replaces
 * the client on the next checkout.
 */
export function createServicePool(options: SchemaConnectionOptions & { onError?: (error: Error) => void }): Pool {
  const pool = new Pool(buildSchemaPoolConfig(options));
  pool.on('error', options.onError ?? (() => undefined));
  return guardPoolClients(pool);
}
