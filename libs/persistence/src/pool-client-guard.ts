import type { Pool, PoolClient } from 'pg';

const guardedPools = new WeakSet<Pool>();
const guardedClients = new WeakSet<PoolClient>();

/**
 * Keeps a lost connection from crashing the process. pg-pool listens for 'error' on a client only while it is
 * idle in the pool; once checked out, a client whose server goes away (57P01 "terminating connection due to
 * administrator command", "Connection terminated unexpectedly") emits an 'error' event nobody handles, and
 * Node exits. The query in flight, if any, already rejects with that error, and the pool discards the broken
 * client when it is released; the event itself carries nothing more, so it is swallowed here.
 *
 * 'acquire' also covers clients the pool opened before this guard was installed (TypeORM opens some while it
 * initialises). Idle-client errors still go to the pool's own 'error' listeners (createServicePool's onError,
 * TypeORM's pool logger).
 */
export function guardPoolClients(pool: Pool): Pool {
  if (guardedPools.has(pool)) return pool;
  guardedPools.add(pool);
  const guard = (client: PoolClient): void => {
    if (guardedClients.has(client)) return;
    guardedClients.add(client);
    client.on('error', () => undefined);
  };
  pool.on('connect', guard);
  pool.on('acquire', guard);
  return pool;
}
