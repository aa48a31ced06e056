import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { SourcesTable1732400000000 } from './sources-table.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const INGEST_GATEWAY_MIGRATIONS = [KafkaRuntimeTables1732230000000, SourcesTable1732400000000];
