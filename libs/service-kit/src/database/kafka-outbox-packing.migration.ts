import { dropKafkaOutboxPackingDdl, kafkaOutboxPackingDdl } from '@tessera/kafka';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/** Every service's outbox learns packed rows (many messages per row; libs/kafka outbox-batch-codec.ts). */
export class KafkaOutboxPacking1732600000000 implements MigrationInterface {
  name = 'KafkaOutboxPacking1732600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of kafkaOutboxPackingDdl()) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropKafkaOutboxPackingDdl()) await queryRunner.query(statement);
  }
}
