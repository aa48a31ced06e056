import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * A destination's DLQ is browsed in `seq` order, a page after a seq (dlq/dead-delivery.repository.ts); an index on
 * (destination, seq) over the dead rows reads each page straight off the index, where one keyed on updated_at made
 * every page fetch and sort all of the destination's dead rows.
 */
export class DeadDeliveriesIndex1734000000000 implements MigrationInterface {
  name = 'DeadDeliveriesIndex1734000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS deliveries_dead_idx');
    await q.query(`CREATE INDEX deliveries_dead_idx ON deliveries (destination_id, seq) WHERE status = 'dead'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS deliveries_dead_idx');
    await q.query(`CREATE INDEX deliveries_dead_idx ON deliveries (destination_id, updated_at) WHERE status = 'dead'`);
  }
}
