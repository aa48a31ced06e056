import { dropKafkaTablesDdl, kafkaTablesDdl } from '@tessera/kafka';
import { DdlMigration } from './ddl-migration';

/**
 * Every service's first migration: the consumed-offsets, outbox and inbox tables of the exactly-once pattern,
 * from libs/kafka's DDL, created in the service's own schema (the search_path of its connections).
 */
export class KafkaExactlyOnceTables1732230000000 extends DdlMigration {
  name = 'KafkaExactlyOnceTables1732230000000';
  protected upStatements = kafkaTablesDdl;
  protected downStatements = dropKafkaTablesDdl;
}
