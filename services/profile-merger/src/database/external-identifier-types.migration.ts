import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * External ids were stored split at their first colon: type `external`, value `<type>:<value>`. The resolver
 * (and a split's identifier rows) type them `external:<type>`, so the two forms could both exist and lookups by
 * `external:<type>:<value>` missed. Rewrites the old rows to the resolver's form; where a split already wrote
 * that form, the split's row is the current truth and the old one goes.
 */
export class ExternalIdentifierTypes1732600000001 implements MigrationInterface {
  name = 'ExternalIdentifierTypes1732600000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM profile_identifiers legacy USING profile_identifiers typed
       WHERE legacy.id_type = 'external' AND position(':' IN legacy.id_value) > 1
         AND typed.id_type = 'external:' || split_part(legacy.id_value, ':', 1)
         AND typed.id_value = substr(legacy.id_value, position(':' IN legacy.id_value) + 1)`);
    await queryRunner.query(`
      UPDATE profile_identifiers
         SET id_type = 'external:' || split_part(id_value, ':', 1), id_value = substr(id_value, position(':' IN id_value) + 1)
       WHERE id_type = 'external' AND position(':' IN id_value) > 1 AND position(':' IN id_value) < length(id_value)`);
  }

  async down(): Promise<void> {
    // The old form was the bug; nothing to restore.
  }
}
