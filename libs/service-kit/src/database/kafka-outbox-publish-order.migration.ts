import { dropKafkaOutboxPublishOrderDdl, kafkaOutboxPublishOrderDdl } from '@tessera/kafka';
import { DdlMigration } from './ddl-migration';

/** The relay's claim reads settled rows in (xid, id) order straight from an index (libs/kafka outbox-rows.ts). */
export class KafkaOutboxPublishOrder1732700000300 extends DdlMigration {
  name = 'KafkaOutboxPublishOrder1732700000300';
  protected upStatements = kafkaOutboxPublishOrderDdl;
  protected downStatements = dropKafkaOutboxPublishOrderDdl;
}
