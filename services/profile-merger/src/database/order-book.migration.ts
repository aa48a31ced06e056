import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Orders counted once per order id, and currencies kept apart. `profile_orders` holds, per profile and order key,
 * the latest order event and the latest refund event; revenue, order count and last order are derived from it,
 * never summed item by item, so a resend with a new messageId or a merge of two profiles holding the same order
 * counts it once. The profiles columns revenue_micros, order_count and last_order_* are no longer written
 * (left in place for code of other branches still naming them; a later migration drops them).
 * `currency_rates` is the admin-managed rate table (1 `currency` = `rate` × `quote_currency`, per day), and
 * `reporting_currency` the one currency lifetime value is reported in.
 */
export class OrderBook1733400000000 implements MigrationInterface {
  name = 'OrderBook1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE profile_orders (
        profile_id text NOT NULL,
        order_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('order', 'refund')),
        message_id text COLLATE "C" NOT NULL,
        source_id text COLLATE "C" NOT NULL,
        occurred_at_ms bigint NOT NULL,
        amount_micros bigint NULL,
        currency text NULL,
        currency_origin text NOT NULL,
        PRIMARY KEY (profile_id, order_key, kind)
      )`);
    await queryRunner.query(`
      CREATE TABLE currency_rates (
        quote_currency text NOT NULL,
        currency text NOT NULL,
        rate_date date NOT NULL,
        rate numeric NOT NULL CHECK (rate > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (quote_currency, currency, rate_date)
      )`);
    await queryRunner.query(`
      CREATE TABLE reporting_currency (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        currency text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['reporting_currency', 'currency_rates', 'profile_orders'])
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
