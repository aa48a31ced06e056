import { startDedicatedPostgres, type DedicatedPostgres } from '@tessera/testing';
import { createServiceDataSource } from './service-data-source';
import { dataSourcePool } from './data-source-pool';
import { createServicePool } from './service-pool';
import type { Pool, PoolClient } from 'pg';

/**
 * Issue 12: kill -9 of the postmaster ends every connection (57P01), and an 'error' event on a checked-out pg client
 * that nobody handles would exit the service. Both pools a service uses (createServicePool, and TypeORM's inside createServiceDataSource)
 * must survive it, with clients idle, checked out and mid-query, and work again once Postgres is back.
 */
describe('pool clients across a Postgres kill -9 (dedicated embedded Postgres)', () => {
  let postgres: DedicatedPostgres;

  beforeAll(async () => {
    postgres = await startDedicatedPostgres();
  }, 60_000);

  afterAll(async () => {
    await postgres?.destroy();
  });

  async function holdClients(pool: Pool): Promise<{ held: PoolClient; busy: PoolClient; running: Promise<unknown> }> {
    const idle = await pool.connect();
    idle.release(); // stays open, idle in the pool
    const held = await pool.connect();
    await held.query('BEGIN'); // checked out, inside a transaction, no query in flight (the relay while it publishes)
    const busy = await pool.connect();
    const running = busy.query('SELECT pg_sleep(30)').then(
      () => 'finished',
      (error: Error) => error,
    );
    return { held, busy, running };
  }

  it('keeps the process, rejects what was in flight, and serves queries again after a restart', async () => {
    const raw = createServicePool({ url: postgres.url, schema: 'guard_raw', poolSize: 4, connectionTimeoutMs: 2_000 });
    const dataSource = await createServiceDataSource({
      url: postgres.url,
      schema: 'guard_orm',
      migrations: [],
      poolSize: 4,
      connectionTimeoutMs: 2_000,
    });
    const orm = dataSourcePool(dataSource);
    try {
      const rawClients = await holdClients(raw);
      const ormClients = await holdClients(orm);

      await postgres.kill();

      // The in-flight queries fail (they do not hang); reaching this line means no 'error' event went unhandled.
      for (const clients of [rawClients, ormClients]) {
        expect(await clients.running).toBeInstanceOf(Error);
        await expect(clients.held.query('SELECT 1')).rejects.toThrow();
        clients.held.release(true);
        clients.busy.release(true);
      }
      await expect(raw.query('SELECT 1')).rejects.toThrow();

      await postgres.restart();
      expect((await raw.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect((await dataSource.query('SELECT 1 AS one'))[0].one).toBe(1);
    } finally {
      await raw.end().catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
    }
  }, 90_000);
});
