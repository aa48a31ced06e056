import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Campaign history is read as a summary: the touch count lives on the profile row, and the first and last
 * touches are two index probes, so reading a profile never scans its whole touch history.
 */
export class CampaignSummary1732500000002 implements MigrationInterface {
  name = 'CampaignSummary1732500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE profiles ADD COLUMN campaign_touch_count bigint NOT NULL DEFAULT 0');
    await queryRunner.query(
      'CREATE INDEX profile_campaign_touches_by_time ON profile_campaign_touches (profile_id, occurred_at_ms, message_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS profile_campaign_touches_by_time');
    await queryRunner.query('ALTER TABLE profiles DROP COLUMN IF EXISTS campaign_touch_count');
  }
}
