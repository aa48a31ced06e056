import { decode, Topics } from '@tessera/contracts';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';
import { observeItem } from '../survivorship/item-observer';
import { joinOrderBooks, type OrderBook } from '../survivorship/order-book';
import { emptyProfileState } from '../survivorship/profile-state';
import { ORDER_FACT_IS_LATER } from '../storage/survivorship-sql';

const PROFILES_PER_ROUND = 500;
/** Orders do not depend on priorities. */
const NO_PRIORITIES = { sources: new Map<string, number>(), fields: new Map<string, Map<string, number>>() };

/**
 * Before OrderBook1733400000000 a profile's orders were one revenue sum on its row; the order book is rebuilt here
 * from each active profile's item log (which holds every item it folded, and moves with merges and splits), with
 * the fold the merger now applies, so upgraded profiles keep their orders. Rounds of 500 profiles by profile id,
 * reading only their items (a primary-key prefix range each).
 */
export class OrderBookBackfill1733400000001 implements MigrationInterface {
  name = 'OrderBookBackfill1733400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (let after = ''; ;) {
      const profiles: Array<{ profile_id: string }> = await queryRunner.query(
        "SELECT profile_id FROM profiles WHERE profile_id > $1 AND status = 'active' ORDER BY profile_id LIMIT $2",
        [after, PROFILES_PER_ROUND],
      );
      if (profiles.length === 0) return;
      after = profiles[profiles.length - 1].profile_id;
      const items: Array<{ profile_id: string; payload: Buffer }> = await queryRunner.query(
        'SELECT profile_id, payload FROM profile_items WHERE profile_id = ANY($1::text[])',
        [profiles.map((row) => row.profile_id)],
      );
      const books = new Map<string, OrderBook>();
      for (const row of items) {
        const orders = observeItem(decode(Topics.EventsResolved, row.payload), NO_PRIORITIES).orders;
        if (orders.size > 0) books.set(row.profile_id, joinOrderBooks(books.get(row.profile_id) ?? emptyProfileState().orders, orders));
      }
      await writeRound(queryRunner, books);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM profile_orders');
  }
}

async function writeRound(queryRunner: QueryRunner, books: ReadonlyMap<string, OrderBook>): Promise<void> {
  const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
  for (const [profileId, book] of books) {
    for (const [key, entry] of book) {
      for (const kind of ['order', 'refund'] as const) {
        const fact = entry[kind];
        if (!fact) continue;
        const values = [
          profileId,
          key,
          kind,
          fact.messageId,
          fact.sourceId,
          fact.occurredAt,
          fact.amountMicros,
          fact.currency,
          fact.currencyOrigin,
        ];
        values.forEach((value, i) => columns[i].push(value));
      }
    }
  }
  if (columns[0].length === 0) return;
  await queryRunner.query(
    `INSERT INTO profile_orders AS o (profile_id, order_key, kind, message_id, source_id, occurred_at_ms, amount_micros, currency, currency_origin)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::text[])
     ON CONFLICT (profile_id, order_key, kind) DO UPDATE SET message_id = EXCLUDED.message_id, source_id = EXCLUDED.source_id,
       occurred_at_ms = EXCLUDED.occurred_at_ms, amount_micros = EXCLUDED.amount_micros, currency = EXCLUDED.currency, currency_origin = EXCLUDED.currency_origin
     WHERE ${ORDER_FACT_IS_LATER}`,
    columns,
  );
}
