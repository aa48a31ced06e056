import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Group (account) membership per profile: group calls describe an account, not the person, so their traits
 * live here and never among the person's traits. One row per (profile, group), folded like the other profile
 * tables; the group index serves the account lookup (members, and the account's latest traits by one probe).
 */
export class GroupMemberships1732800000200 implements MigrationInterface {
  name = 'GroupMemberships1732800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE profile_groups (
        profile_id text NOT NULL,
        group_id text COLLATE "C" NOT NULL,
        first_seen_ms bigint NOT NULL,
        last_seen_ms bigint NOT NULL,
        traits jsonb NULL,
        traits_at_ms bigint NULL,
        traits_source_id text COLLATE "C" NULL,
        traits_message_id text COLLATE "C" NULL,
        PRIMARY KEY (profile_id, group_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX profile_groups_group_idx ON profile_groups (group_id, traits_at_ms DESC NULLS LAST, traits_message_id DESC, traits_source_id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS profile_groups');
  }
}
