import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Customer 360 storage, shaped for tens of millions of profiles: a narrow, fixed-width `profiles` row (updated
 * in place, HOT-friendly with fillfactor 80, never TOASTed) and one narrow row per trait, counter, touch,
 * identifier and timeline entry, each written by set-based upserts. No profile is ever one JSONB document
 * rewritten on every event (PostHog's 2025 TOAST outage). Times are epoch milliseconds (bigint), exactly the
 * contracts' timestamp-millis, so ties compare the same here and in code. Message ids use COLLATE "C" so
 * tie-breaks agree with JavaScript string comparison. See the service README for the layout.
 */
export class ProfileTables1732500000000 implements MigrationInterface {
  name = 'ProfileTables1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE profiles (
        profile_id text PRIMARY KEY,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'merged')),
        merged_into text NULL,
        version bigint NOT NULL DEFAULT 0,
        item_count bigint NOT NULL DEFAULT 0,
        first_seen_ms bigint NULL,
        last_seen_ms bigint NULL,
        revenue_micros bigint NOT NULL DEFAULT 0,
        order_count bigint NOT NULL DEFAULT 0,
        last_order_message_id text COLLATE "C" NULL,
        last_order_at_ms bigint NULL,
        last_order_revenue_micros bigint NULL,
        last_order_currency text NULL,
        last_order_id text NULL,
        best_email text NULL,
        has_non_test_item boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT profiles_best_email_one_profile UNIQUE (best_email) DEFERRABLE INITIALLY DEFERRED
      ) WITH (fillfactor = 80)`,
      `CREATE TABLE profile_traits (
        profile_id text NOT NULL,
        field text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('set', 'once')),
        value jsonb NULL,
        tombstone boolean NOT NULL DEFAULT false,
        source_id text NOT NULL,
        priority integer NOT NULL,
        occurred_at_ms bigint NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (profile_id, field, mode)
      )`,
      `CREATE TABLE profile_event_counts (
        profile_id text NOT NULL,
        event_name text NOT NULL,
        event_count bigint NOT NULL,
        first_at_ms bigint NOT NULL,
        last_at_ms bigint NOT NULL,
        PRIMARY KEY (profile_id, event_name)
      )`,
      `CREATE TABLE profile_campaign_touches (
        profile_id text NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        occurred_at_ms bigint NOT NULL,
        utm_source text NULL,
        utm_medium text NULL,
        utm_campaign text NULL,
        utm_term text NULL,
        utm_content text NULL,
        PRIMARY KEY (profile_id, message_id)
      )`,
      `CREATE TABLE profile_identifiers (
        id_type text NOT NULL,
        id_value text NOT NULL,
        profile_id text NOT NULL,
        first_seen_ms bigint NOT NULL,
        PRIMARY KEY (id_type, id_value)
      )`,
      'CREATE INDEX profile_identifiers_by_profile ON profile_identifiers (profile_id)',
      `CREATE TABLE email_observations (
        email text NOT NULL,
        profile_id text NOT NULL,
        source_id text NOT NULL,
        priority integer NOT NULL,
        occurred_at_ms bigint NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        PRIMARY KEY (email, profile_id)
      )`,
      'CREATE INDEX email_observations_by_profile ON email_observations (profile_id)',
      `CREATE TABLE email_owners (
        email text PRIMARY KEY,
        profile_id text NOT NULL
      )`,
      'CREATE INDEX email_owners_by_profile ON email_owners (profile_id)',
      `CREATE TABLE profile_recent_events (
        profile_id text NOT NULL,
        occurred_at_ms bigint NOT NULL,
        message_id text COLLATE "C" NOT NULL,
        kind text NOT NULL,
        event_type text NULL,
        event_name text NULL,
        source_id text NOT NULL,
        properties jsonb NULL,
        PRIMARY KEY (profile_id, occurred_at_ms, message_id)
      )`,
      `CREATE TABLE profile_redirects (
        absorbed_id text PRIMARY KEY,
        survivor_id text NOT NULL,
        change_id text NOT NULL,
        merged_at_ms bigint NOT NULL
      )`,
      'CREATE INDEX profile_redirects_by_survivor ON profile_redirects (survivor_id)',
      `CREATE TABLE identity_changes_applied (
        change_id text PRIMARY KEY,
        kind text NOT NULL,
        payload jsonb NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE source_priorities (
        source_id text PRIMARY KEY,
        priority integer NOT NULL CHECK (priority >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE field_priorities (
        source_id text NOT NULL,
        field text NOT NULL,
        priority integer NOT NULL CHECK (priority >= 1),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_id, field)
      )`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'field_priorities',
      'source_priorities',
      'identity_changes_applied',
      'profile_redirects',
      'profile_recent_events',
      'email_owners',
      'email_observations',
      'profile_identifiers',
      'profile_campaign_touches',
      'profile_event_counts',
      'profile_traits',
      'profiles',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
