import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { SourceOrderSettings1733400000000 } from './order-settings.migration';
import { QualityCounterLanes1732310000000 } from './quality-counter-lanes.migration';
import { QualityRepairCounters1733400000100 } from './quality-repair-counters.migration';
import { RejectionOrigin1733800000000 } from './rejection-origin.migration';
import { ValidationTables1732300000000 } from './validation-tables.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const VALIDATION_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  ValidationTables1732300000000,
  QualityCounterLanes1732310000000,
  SourceOrderSettings1733400000000,
  QualityRepairCounters1733400000100,
  RejectionOrigin1733800000000,
];
