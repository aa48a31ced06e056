import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * validation's own state: tracking plans and per-source settings (admin API), the exact-dedupe keys, the
 * rejections materialized from cdp.events.rejected (browse + replay), and the daily input-quality counters.
 */
export class ValidationTables1732300000000 implements MigrationInterface {
  name = 'ValidationTables1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tracking_plans (
        source_id text PRIMARY KEY,
        version integer NOT NULL,
        mode text NOT NULL CHECK (mode IN ('reject', 'flag')),
        naming_convention text NULL,
        allow_unplanned_events boolean NOT NULL DEFAULT false,
        events jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE source_settings (
        source_id text PRIMARY KEY,
        default_region text NULL,
        test_rules jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only accepted items occupy a key: a rejected event stays replayable with its original messageId.
    await queryRunner.query(`
      CREATE TABLE dedupe_keys (
        source_id text NOT NULL,
        message_id text NOT NULL,
        accepted_at timestamptz NOT NULL,
        PRIMARY KEY (source_id, message_id)
      )`);
    await queryRunner.query('CREATE INDEX dedupe_keys_accepted_at_idx ON dedupe_keys (accepted_at)');
    await queryRunner.query(`
      CREATE TABLE rejections (
        rejection_id text PRIMARY KEY,
        reason text NOT NULL,
        detail text NOT NULL,
        path text NULL,
        service text NOT NULL,
        item_kind text NOT NULL,
        source_id text NULL,
        message_id text NULL,
        original_topic text NOT NULL,
        original_partition integer NOT NULL,
        original_offset bigint NOT NULL,
        original_key bytea NULL,
        original_value bytea NOT NULL,
        original_timestamp timestamptz NOT NULL,
        original_headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        rejected_at timestamptz NOT NULL,
        replay_count integer NOT NULL DEFAULT 0,
        last_replayed_at timestamptz NULL
      )`);
    await queryRunner.query('CREATE INDEX rejections_source_time_idx ON rejections (source_id, rejected_at DESC, rejection_id)');
    await queryRunner.query('CREATE INDEX rejections_reason_time_idx ON rejections (reason, rejected_at DESC, rejection_id)');
    await queryRunner.query('CREATE INDEX rejections_time_idx ON rejections (rejected_at DESC, rejection_id)');
    await queryRunner.query(`
      CREATE TABLE input_quality_daily (
        source_id text NOT NULL,
        day date NOT NULL,
        events_accepted bigint NOT NULL DEFAULT 0,
        records_accepted bigint NOT NULL DEFAULT 0,
        rejected bigint NOT NULL DEFAULT 0,
        duplicates bigint NOT NULL DEFAULT 0,
        flagged bigint NOT NULL DEFAULT 0,
        test_items bigint NOT NULL DEFAULT 0,
        emails_seen bigint NOT NULL DEFAULT 0,
        emails_valid bigint NOT NULL DEFAULT 0,
        phones_seen bigint NOT NULL DEFAULT 0,
        phones_valid bigint NOT NULL DEFAULT 0,
        transactions_seen bigint NOT NULL DEFAULT 0,
        transactions_well_formed bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (source_id, day)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['input_quality_daily', 'rejections', 'dedupe_keys', 'source_settings', 'tracking_plans']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
