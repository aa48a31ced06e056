import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { PeriodicPruner, type PrunerOptions } from '@tessera/service-kit';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { Writable } from 'node:stream';
import { deleteExpiredRows, expiredRowsPruner, type ExpiringTable } from './expired-rows';

class TestPruner extends PeriodicPruner {
  constructor(options: PrunerOptions) {
    super(options);
  }
}

const EVENTS: ExpiringTable = { table: 'expiring_events', timeColumn: 'seen_at', what: 'expired test events' };
const silentLogger = createLogger({ service: 'validation', destination: new Writable({ write: (_c, _e, done) => done() }) });
const day = 86_400_000;

describe('expired rows (both pruners: dedupe keys and rejections)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('validation_expired_rows');
    await db.pool.query('CREATE TABLE expiring_events (id int PRIMARY KEY, seen_at timestamptz NOT NULL)');
  });
  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE expiring_events');
    await db.pool.query(
      `INSERT INTO expiring_events SELECT i, now() - make_interval(days => CASE WHEN i <= 25 THEN 10 ELSE 1 END) FROM generate_series(1, 30) i`,
    );
  });

  it('deletes only the rows older than the retention, chunk after chunk', async () => {
    expect(await deleteExpiredRows(db.pool, EVENTS, 7 * day, 10)).toBe(25);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM expiring_events');
    expect(Number(rows[0].n)).toBe(5);
  });

  it('counts what a pruner deleted in tessera_validation_pruned_rows_total by table', async () => {
    const registry = createMetricsRegistry('validation');
    const pruner = new TestPruner(
      expiredRowsPruner({ db: db.pool, expiring: EVENTS, retentionMs: 7 * day, intervalMs: 60_000, logger: silentLogger, registry }),
    );
    await pruner.pruneNow();
    expect(await registry.metrics()).toMatch(/tessera_validation_pruned_rows_total\{[^}]*table="expiring_events"[^}]*\} 25/);
  });
});
