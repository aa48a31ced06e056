import { Module } from '@nestjs/common';
import { createDestinationCatalog } from '@tessera/destinations';
import type { Registry } from '@tessera/observability';
import { DatabaseModule, METRICS_REGISTRY, type RunningService, startServiceForTest } from '@tessera/service-kit';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { DestinationCatalogModule } from '../catalog/destination-catalog.module';
import { ACTIVATION_DISPATCHER_MIGRATIONS } from '../database/migrations';
import { DeliveryModule } from '../delivery/delivery.module';
import { MirrorModule } from '../mirror/mirror.module';
import { MirrorService } from '../mirror/mirror.service';
import { FAST_DELIVERY_SETTINGS } from '../test-support/delivery-test.module';
import { DeliveryLogPrunerService } from './delivery-log-pruner.service';
import { pruneDeliveryLog } from './delivery-log-pruning';
import { RetentionModule } from './retention.module';

const DAY = 86_400_000;
const RETENTION = { deliveryRetentionMs: 30 * DAY, dlqRetentionMs: 90 * DAY };

@Module({
  imports: [
    DatabaseModule.forService({ migrations: ACTIVATION_DISPATCHER_MIGRATIONS }),
    DestinationCatalogModule.forRoot(() => createDestinationCatalog()),
    DeliveryModule.forRoot(FAST_DELIVERY_SETTINGS),
    MirrorModule,
    RetentionModule.forRoot({ ...RETENTION, pruneIntervalMs: 3_600_000 }),
  ],
})
class RetentionTestModule {}

type Status = 'pending' | 'delivered' | 'failed' | 'suppressed' | 'dead';
/** One profile's deliveries to sync-a in seq order: [id, action, status, finished days ago]. */
type History = [string, 'add' | 'remove', Status, number][];

/** What each profile was sent, and which rows the retention must keep (the rest must go). */
const HISTORIES: Record<string, { rows: History; present: boolean | null; kept: string[] }> = {
  // superseded by later delivered rows: only the latest stays
  pA: {
    rows: [
      ['a1', 'add', 'delivered', 40],
      ['a2', 'remove', 'delivered', 35],
      ['a3', 'add', 'delivered', 1],
    ],
    present: true,
    kept: ['a3'],
  },
  // the latest row failed: the mirror needs it to know the add never landed
  pB: { rows: [['b1', 'add', 'failed', 40]], present: true, kept: ['b1'] },
  pC: {
    rows: [
      ['c1', 'add', 'failed', 40],
      ['c2', 'add', 'delivered', 39],
    ],
    present: true,
    kept: ['c2'],
  },
  // suppressed rows decide nothing: they go once old
  pD: {
    rows: [
      ['d1', 'add', 'suppressed', 40],
      ['d2', 'add', 'suppressed', 1],
    ],
    present: null,
    kept: ['d2'],
  },
  // dead rows have their own, longer retention
  pE: {
    rows: [
      ['e1', 'add', 'dead', 40],
      ['e2', 'add', 'delivered', 38],
    ],
    present: true,
    kept: ['e1', 'e2'],
  },
  pF: {
    rows: [
      ['f1', 'add', 'dead', 100],
      ['f2', 'add', 'delivered', 95],
    ],
    present: true,
    kept: ['f2'],
  },
  // a dead row that is still the profile's latest stays in the DLQ, replayable, and tells the mirror it is absent
  pG: { rows: [['g1', 'add', 'dead', 100]], present: true, kept: ['g1'] },
  // pending rows never go, even with an old finished_at (a withdrawn send's)
  pH: { rows: [['h1', 'add', 'pending', 40]], present: true, kept: ['h1'] },
  pI: {
    rows: [
      ['i1', 'add', 'delivered', 45],
      ['i2', 'remove', 'failed', 40],
    ],
    present: false,
    kept: ['i2'],
  },
};
const ALL_ROWS = Object.values(HISTORIES).flatMap((h) => h.rows.map((r) => r[0]));
const KEPT = Object.values(HISTORIES).flatMap((h) => h.kept);

describe('delivery log retention', () => {
  let schema: TestSchema;
  let service: RunningService;
  let mirror: MirrorService;

  /** The mirror's own answer to "what does the destination hold" when it cannot list it. */
  const lastSent = async () => (await mirror['lastSent'](schema.pool, 'sync-a')).sort();
  const remaining = async (table: 'deliveries' | 'delivery_attempts') =>
    (await schema.pool.query<{ id: string }>(`SELECT delivery_id AS id FROM ${table} ORDER BY delivery_id`)).rows.map((r) => r.id);

  beforeAll(async () => {
    schema = await createTestSchema('activation_retention');
    service = await startServiceForTest(RetentionTestModule, 'activation-dispatcher', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: '127.0.0.1:9',
      adminToken: 'test-admin-token',
    });
    mirror = service.app.get(MirrorService);
    await schema.pool.query(
      `INSERT INTO destinations (destination_id, name, kind, config, secrets, max_age_seconds)
       VALUES ('hook', 'hook', 'webhook', '{"url": "http://127.0.0.1:9/hook"}', '{"signingSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}', 864000)`,
    );
    await schema.pool.query(`INSERT INTO syncs (sync_id, segment_id, destination_id, mode) VALUES ('sync-a', 'seg', 'hook', 'add_remove')`);
  });
  afterAll(async () => {
    await service?.close();
    await schema?.drop();
  });

  beforeEach(async () => {
    await schema.pool.query('TRUNCATE deliveries, delivery_attempts, sync_members, segment_members, profiles');
    for (const [profile, { rows, present }] of Object.entries(HISTORIES)) {
      await schema.pool.query('INSERT INTO profiles (profile_id) VALUES ($1)', [profile]);
      await schema.pool.query(`INSERT INTO segment_members VALUES ('seg', $1, 1, now())`, [profile]);
      if (present !== null)
        await schema.pool.query(`INSERT INTO sync_members (sync_id, profile_id, present) VALUES ('sync-a', $1, $2)`, [profile, present]);
      for (const [id, action, status, daysAgo] of rows) {
        // a pending row is never due here, so the worker leaves it alone
        await schema.pool.query(
          `INSERT INTO deliveries (delivery_id, destination_id, sync_id, profile_id, segment_id, action, payload, status, finished_at, next_attempt_at)
           VALUES ($1, 'hook', 'sync-a', $2, 'seg', $3, '{}', $4, now() - make_interval(days => $5), now() + interval '1 day')`,
          [id, profile, action, status, daysAgo],
        );
        await schema.pool.query(
          `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome)
           VALUES ($1, 1, now() - make_interval(days => $2), now() - make_interval(days => $2), 'delivered')`,
          [id, daysAgo],
        );
      }
    }
  });

  it('deletes old finished rows and their attempts, keeps pending, recent, DLQ and mirror-deciding rows', async () => {
    const before = await lastSent();
    expect(before).toEqual(['pA', 'pC', 'pE', 'pF', 'pH', 'pI']);
    await service.app.get(DeliveryLogPrunerService).pruneNow();
    expect(await remaining('deliveries')).toEqual([...KEPT].sort());
    expect(await remaining('delivery_attempts')).toEqual([...KEPT].sort());
    expect(await lastSent()).toEqual(before);
    const metrics = await service.app.get<Registry>(METRICS_REGISTRY).metrics();
    const gone = ALL_ROWS.length - KEPT.length;
    expect(metrics).toMatch(new RegExp(`tessera_activation_dispatcher_pruned_rows_total\\{[^}]*table="deliveries"[^}]*\\} ${gone}`));
    expect(metrics).toMatch(new RegExp(`tessera_activation_dispatcher_pruned_rows_total\\{[^}]*table="delivery_attempts"[^}]*\\} ${gone}`));
    // the mirror after pruning sends again exactly what never landed (pB's failed add, pG's dead one) and pD's
    // add that was suppressed, as it would have before
    const report = await mirror.run('sync-a', true);
    expect({ added: report.added, removed: report.removed }).toEqual({ added: 3, removed: 0 });
  });

  it('deletes in bounded batches, one statement each, with the same result', async () => {
    const statements: string[] = [];
    const db = { query: (sql: string, values?: unknown[]) => (statements.push(sql), schema.pool.query(sql, values)) };
    const pruned = await pruneDeliveryLog(db as never, RETENTION, 2);
    expect(pruned).toEqual({ deliveries: ALL_ROWS.length - KEPT.length, attempts: ALL_ROWS.length - KEPT.length });
    expect(statements.length).toBe(Math.floor((ALL_ROWS.length - KEPT.length) / 2) + 1);
    expect(await remaining('deliveries')).toEqual([...KEPT].sort());
  });

  it('skips a row another transaction holds instead of waiting for it', async () => {
    const holder = await schema.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM deliveries WHERE delivery_id = 'a1' FOR UPDATE`);
      const pruned = await pruneDeliveryLog(schema.pool, RETENTION);
      expect(pruned.deliveries).toBe(ALL_ROWS.length - KEPT.length - 1);
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    expect(await remaining('deliveries')).toContain('a1');
  });
});
