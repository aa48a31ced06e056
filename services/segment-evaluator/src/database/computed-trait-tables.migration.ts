import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Computed-trait definitions (admin API), in the evaluator's own schema: the live definition per key, versioned on
 * every edit like segments. A key is not reused after a delete, so a stored value or a message naming it always
 * meant one trait.
 */
export class ComputedTraitTables1733500000000 implements MigrationInterface {
  name = 'ComputedTraitTables1733500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE computed_trait_definitions (
        trait_key text COLLATE "C" PRIMARY KEY,
        definition jsonb NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE computed_trait_definitions');
  }
}
