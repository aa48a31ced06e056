import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { ComputedTraitTables1733500000000 } from './computed-trait-tables.migration';
import { ComputedValueTables1733500000100 } from './computed-value-tables.migration';
import { EvaluatorCaches1733600000100 } from './evaluator-caches.migration';
import { HistoryRead1733800000000 } from './history-read.migration';
import { OrderKeys1733700000000 } from './order-keys.migration';
import { SegmentTables1733400000000 } from './segment-tables.migration';
import { SplitMoves1733600000000 } from './split-moves.migration';

/** Applied in order at start, inside this service's own schema. Append new migrations; never edit applied ones. */
export const SEGMENT_EVALUATOR_MIGRATIONS = [
  KafkaRuntimeTables1732230000000,
  SegmentTables1733400000000,
  ComputedTraitTables1733500000000,
  ComputedValueTables1733500000100,
  SplitMoves1733600000000,
  EvaluatorCaches1733600000100,
  OrderKeys1733700000000,
  HistoryRead1733800000000,
];
