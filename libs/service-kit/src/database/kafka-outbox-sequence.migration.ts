import { dropKafkaOutboxSequenceDdl, kafkaOutboxSequenceDdl } from '@tessera/kafka';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * Every service's outbox records its writers' transaction ids and an origin, and its consumers keep a per-lane
 * high-water mark: relayed messages are deduped without an inbox row each (libs/kafka sequence-dedupe.ts).
 */
export class KafkaOutboxSequence1732700000000 implements MigrationInterface {
  name = 'KafkaOutboxSequence1732700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of kafkaOutboxSequenceDdl()) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropKafkaOutboxSequenceDdl()) await queryRunner.query(statement);
  }
}
