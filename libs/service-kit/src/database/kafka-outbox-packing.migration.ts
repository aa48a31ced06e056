import { dropKafkaOutboxPackingDdl, kafkaOutboxPackingDdl } from '@tessera/kafka';
import { DdlMigration } from './ddl-migration';

/** Every service's outbox learns packed rows (many messages per row; libs/kafka outbox-batch-codec.ts). */
export class KafkaOutboxPacking1732600000000 extends DdlMigration {
  name = 'KafkaOutboxPacking1732600000000';
  protected upStatements = kafkaOutboxPackingDdl;
  protected downStatements = dropKafkaOutboxPackingDdl;
}
