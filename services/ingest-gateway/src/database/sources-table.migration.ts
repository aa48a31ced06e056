import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Sources and their write keys. Only a SHA-256 digest of each key is stored: a database leak does not leak
 * keys, and a lookup is one unique-index probe on the digest.
 */
export class SourcesTable1732400000000 implements MigrationInterface {
  name = 'SourcesTable1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sources (
        id text PRIMARY KEY,
        name text NOT NULL,
        write_key_sha256 bytea NOT NULL UNIQUE,
        enabled boolean NOT NULL DEFAULT true,
        rate_limit_events_per_second integer NULL CHECK (rate_limit_events_per_second >= 0),
        rate_limit_burst integer NULL CHECK (rate_limit_burst >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        key_rotated_at timestamptz NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS sources');
  }
}
