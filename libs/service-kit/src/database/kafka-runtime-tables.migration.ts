import { dropKafkaRuntimeDdl, kafkaRuntimeDdl } from '@tessera/kafka';
import { DdlMigration } from './ddl-migration';

/**
 * Every service's first migration: the tables of the exactly-once runtime (consumed offsets, outbox, lanes,
 * sequence marks), from libs/kafka's DDL, created in the service's own schema (the search_path of its
 * connections).
 */
export class KafkaRuntimeTables1732230000000 extends DdlMigration {
  name = 'KafkaRuntimeTables1732230000000';
  protected upStatements = kafkaRuntimeDdl;
  protected downStatements = dropKafkaRuntimeDdl;
}
