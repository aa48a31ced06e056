import { dropKafkaOutboxPublishOrderDdl, kafkaOutboxPublishOrderDdl } from '@tessera/kafka';
import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/** The relay's claim reads settled rows in (xid, id) order straight from an index (libs/kafka outbox-rows.ts). */
export class KafkaOutboxPublishOrder1732700000300 implements MigrationInterface {
  name = 'KafkaOutboxPublishOrder1732700000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of kafkaOutboxPublishOrderDdl()) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropKafkaOutboxPublishOrderDdl()) await queryRunner.query(statement);
  }
}
