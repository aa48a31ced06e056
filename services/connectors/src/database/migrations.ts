import { KafkaExactlyOnceTables1732230000000, KafkaOutboxPacking1732600000000, KafkaOutboxSequence1732700000000, KafkaOutboxPublishOrder1732700000300 } from '@tessera/service-kit';
import { ConnectorsTables1735000000000 } from './connectors-tables.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const CONNECTORS_MIGRATIONS = [
  KafkaExactlyOnceTables1732230000000,
  KafkaOutboxPacking1732600000000,
  KafkaOutboxSequence1732700000000,
  KafkaOutboxPublishOrder1732700000300,
  ConnectorsTables1735000000000,
];
