import { dropKafkaOutboxSequenceDdl, kafkaOutboxSequenceDdl } from '@tessera/kafka';
import { DdlMigration } from './ddl-migration';

/**
 * Every service's outbox records its writers' transaction ids and an origin, and its consumers keep a per-lane
 * high-water mark: relayed messages are deduped without an inbox row each (libs/kafka sequence-dedupe.ts).
 */
export class KafkaOutboxSequence1732700000000 extends DdlMigration {
  name = 'KafkaOutboxSequence1732700000000';
  protected upStatements = kafkaOutboxSequenceDdl;
  protected downStatements = dropKafkaOutboxSequenceDdl;
}
