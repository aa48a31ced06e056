import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { ConnectorsTables1735000000000 } from './connectors-tables.migration';
import { RowKeyBatches1737000000000 } from './row-key-batches.migration';
import { RunRejections1736000000000 } from './run-rejections.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const CONNECTORS_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  ConnectorsTables1735000000000,
  RunRejections1736000000000,
  RowKeyBatches1737000000000,
];
