import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Each history event's order key (`order:<id>`, `refund:<id>`) when validation marked it an order or a refund with
 * an order id: the history reads one occurrence per key, as the merger's order book counts one order per id, so an
 * order resent under a new message id is not summed twice. Null for every other event (and rows stored before).
 */
export class OrderKeys1733700000000 implements MigrationInterface {
  name = 'OrderKeys1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE profile_events ADD COLUMN order_key text COLLATE "C"');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE profile_events DROP COLUMN order_key');
  }
}
