import { decode, Topics } from '@tessera/contracts';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

const BACKFILL_BATCH = 2000;

/**
 * An item is (source_id, message_id), everywhere: two sources may reuse a messageId (Segment's messageId is
 * unique per source only), and keyed by (profile_id, message_id) the item log kept one of the two, so a split
 * rebuilt the profile with an item missing. The source of the rows already logged is read from their payload.
 */
export class ItemIdentityBySource1732800000100 implements MigrationInterface {
  name = 'ItemIdentityBySource1732800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE profile_items ADD COLUMN source_id text COLLATE "C" NOT NULL DEFAULT ''`);
    for (let after: [string, string] | undefined; ;) {
      const rows: Array<{ profile_id: string; message_id: string; payload: Buffer }> = await queryRunner.query(
        `SELECT profile_id, message_id, payload FROM profile_items
          WHERE source_id = '' AND ($1::text IS NULL OR (profile_id, message_id) > ($1::text, $2::text COLLATE "C"))
          ORDER BY profile_id, message_id LIMIT $3`,
        [after?.[0] ?? null, after?.[1] ?? null, BACKFILL_BATCH],
      );
      if (rows.length === 0) break;
      await queryRunner.query(
        `UPDATE profile_items i SET source_id = x.source_id FROM unnest($1::text[], $2::text[], $3::text[]) AS x(profile_id, message_id, source_id)
          WHERE i.profile_id = x.profile_id AND i.message_id = x.message_id`,
        [rows.map((r) => r.profile_id), rows.map((r) => r.message_id), rows.map((r) => decode(Topics.EventsResolved, r.payload).sourceId)],
      );
      const last = rows[rows.length - 1];
      after = [last.profile_id, last.message_id];
    }
    await queryRunner.query('ALTER TABLE profile_items ALTER COLUMN source_id DROP DEFAULT');
    await queryRunner.query(
      'ALTER TABLE profile_items DROP CONSTRAINT profile_items_pkey, ADD PRIMARY KEY (profile_id, source_id, message_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM profile_items a USING profile_items b WHERE a.profile_id = b.profile_id AND a.message_id = b.message_id AND a.source_id > b.source_id',
    );
    await queryRunner.query('ALTER TABLE profile_items DROP CONSTRAINT profile_items_pkey, ADD PRIMARY KEY (profile_id, message_id)');
    await queryRunner.query('ALTER TABLE profile_items DROP COLUMN source_id');
  }
}
