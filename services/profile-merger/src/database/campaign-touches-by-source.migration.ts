import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * A campaign touch is an item's, and an item is (source_id, message_id): keyed (profile_id, message_id), two
 * sources' touches with one messageId kept one history row though the touch count counted both. The source of a
 * stored touch is read from the item log (profile_items moves with its profile, like the touches), preferring the
 * item of the touch's own time when two sources share the messageId; a touch that lost its twin's row before this
 * migration is not recreated (a split of the profile rebuilds it from the item log).
 */
export class CampaignTouchesBySource1733500000101 implements MigrationInterface {
  name = 'CampaignTouchesBySource1733500000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE profile_campaign_touches ADD COLUMN source_id text COLLATE "C" NOT NULL DEFAULT ''`);
    await queryRunner.query(`
      UPDATE profile_campaign_touches t SET source_id = i.source_id
        FROM (SELECT DISTINCT ON (t.profile_id, t.message_id) t.profile_id, t.message_id, i.source_id
                FROM profile_campaign_touches t
                JOIN profile_items i ON i.profile_id = t.profile_id AND i.message_id = t.message_id
               ORDER BY t.profile_id, t.message_id, (i.occurred_at_ms = t.occurred_at_ms) DESC, i.source_id) i
       WHERE t.profile_id = i.profile_id AND t.message_id = i.message_id`);
    await queryRunner.query('ALTER TABLE profile_campaign_touches ALTER COLUMN source_id DROP DEFAULT');
    await queryRunner.query(
      'ALTER TABLE profile_campaign_touches DROP CONSTRAINT profile_campaign_touches_pkey, ADD PRIMARY KEY (profile_id, source_id, message_id)',
    );
    await queryRunner.query('DROP INDEX profile_campaign_touches_by_time');
    await queryRunner.query(
      'CREATE INDEX profile_campaign_touches_by_time ON profile_campaign_touches (profile_id, occurred_at_ms, message_id, source_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DELETE FROM profile_campaign_touches a USING profile_campaign_touches b WHERE a.profile_id = b.profile_id AND a.message_id = b.message_id AND a.source_id > b.source_id',
    );
    await queryRunner.query('DROP INDEX profile_campaign_touches_by_time');
    await queryRunner.query(
      'CREATE INDEX profile_campaign_touches_by_time ON profile_campaign_touches (profile_id, occurred_at_ms, message_id)',
    );
    await queryRunner.query(
      'ALTER TABLE profile_campaign_touches DROP CONSTRAINT profile_campaign_touches_pkey, ADD PRIMARY KEY (profile_id, message_id)',
    );
    await queryRunner.query('ALTER TABLE profile_campaign_touches DROP COLUMN source_id');
  }
}
