import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * A migration that runs a list of DDL statements up and another down, one query each, in the service's own
 * schema (the search_path of its connections). The shared Kafka-table migrations are all of this shape.
 */
export abstract class DdlMigration implements MigrationInterface {
  abstract readonly name: string;
  protected abstract upStatements(): string[];
  protected abstract downStatements(): string[];

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of this.upStatements()) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of this.downStatements()) await queryRunner.query(statement);
  }
}
