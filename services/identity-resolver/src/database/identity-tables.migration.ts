import type { MigrationInterface, QueryRunner } from '@tessera/persistence';
import { DEFAULT_IDENTITY_RULES } from '../resolution/identity-rule';

/**
 * The identity graph: identifiers -> profile (the unique key that makes an identifier belong to one profile),
 * profiles (absorbed ones keep a row that redirects to their survivor), the merge log, the shared-value guard
 * (user_ids seen per guarded value, suspect values), the decisions taken when an identifier was dropped, and
 * the per-type rules the admin API edits.
 */
export class IdentityTables1732400000000 implements MigrationInterface {
  name = 'IdentityTables1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE identity_rules (
        identifier_type text PRIMARY KEY,
        priority integer NOT NULL CHECK (priority >= 1),
        max_per_profile integer NULL CHECK (max_per_profile >= 1),
        blocked_values text[] NOT NULL DEFAULT '{}',
        blocked_patterns text[] NOT NULL DEFAULT '{}',
        max_distinct_user_ids integer NULL CHECK (max_distinct_user_ids >= 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const rule of DEFAULT_IDENTITY_RULES) {
      await queryRunner.query(
        `INSERT INTO identity_rules (identifier_type, priority, max_per_profile, blocked_values, blocked_patterns, max_distinct_user_ids)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [rule.identifierType, rule.priority, rule.maxPerProfile, rule.blockedValues, rule.blockedPatterns, rule.maxDistinctUserIds],
      );
    }
    await queryRunner.query(`
      CREATE TABLE profiles (
        profile_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL,
        merged_into uuid NULL,
        merged_at timestamptz NULL
      )`);
    // Redirect flattening ("everything absorbed into X now points to Y") looks rows up by merged_into.
    await queryRunner.query('CREATE INDEX profiles_merged_into_idx ON profiles (merged_into) WHERE merged_into IS NOT NULL');
    await queryRunner.query(`
      CREATE TABLE identifiers (
        identifier_type text NOT NULL,
        value text NOT NULL,
        profile_id uuid NOT NULL,
        first_message_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (identifier_type, value)
      )`);
    // Per-type counts of a profile (limits) and a merge's bulk re-pointing both read by profile.
    await queryRunner.query('CREATE INDEX identifiers_profile_idx ON identifiers (profile_id, identifier_type)');
    await queryRunner.query(`
      CREATE TABLE identifier_user_ids (
        identifier_type text NOT NULL,
        value text NOT NULL,
        user_id text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (identifier_type, value, user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE suspect_values (
        identifier_type text NOT NULL,
        value text NOT NULL,
        distinct_user_ids integer NOT NULL,
        causing_message_id text NOT NULL,
        flagged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (identifier_type, value)
      )`);
    await queryRunner.query(`
      CREATE TABLE merge_log (
        change_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('merge', 'split')),
        survivor_profile_id uuid NOT NULL,
        absorbed_profile_id uuid NOT NULL,
        rule text NOT NULL,
        causing_message_id text NULL,
        identifiers jsonb NOT NULL,
        detail text NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX merge_log_survivor_idx ON merge_log (survivor_profile_id, at)');
    await queryRunner.query('CREATE INDEX merge_log_absorbed_idx ON merge_log (absorbed_profile_id)');
    await queryRunner.query(`
      CREATE TABLE identifier_decisions (
        decision_id bigserial PRIMARY KEY,
        message_id text NOT NULL,
        identifier_type text NOT NULL,
        value text NOT NULL,
        reason text NOT NULL,
        profile_id uuid NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX identifier_decisions_profile_idx ON identifier_decisions (profile_id, at)');
    await queryRunner.query('CREATE INDEX identifier_decisions_value_idx ON identifier_decisions (identifier_type, value)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'identifier_decisions',
      'merge_log',
      'suspect_values',
      'identifier_user_ids',
      'identifiers',
      'profiles',
      'identity_rules',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
