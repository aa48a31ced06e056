import { dropKafkaTablesDdl, kafkaTablesDdl } from '@tessera/kafka';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Every service's first migration: the consumed-offsets, outbox and inbox tables of the exactly-once pattern,
 * from libs/kafka's DDL, created in the service's own schema (the search_path of its connections).
 */
export class KafkaExactlyOnceTables1732230000000 implements MigrationInterface {
  name = 'KafkaExactlyOnceTables1732230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of kafkaTablesDdl()) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropKafkaTablesDdl()) await queryRunner.query(statement);
  }
}
