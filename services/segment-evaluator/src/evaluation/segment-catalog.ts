import type { SqlExecutor } from '@tessera/kafka';
import { DEFAULT_PREDICTION_CONFIG, indexComputedTraitsByEvent, type ComputedTraitDefinition, type PredictionConfig } from '../computed';
import type { SegmentSettings } from '../config/segment-settings';
import { DEFAULT_EVENT_HISTORY_DAYS, dependencyOrder, RuleIndex, ruleReferences, type Rule } from '../rules';

export interface LiveSegment {
  id: string;
  version: number;
  rule: Rule;
  includeTestProfiles: boolean;
}

/**
 * The live segment and computed-trait definitions, with the rule index, the dependency order and the computed-trait
 * event index evaluation needs.
 */
export class SegmentCatalog {
  readonly index: RuleIndex;
  /** Every live id, each after the segments it references. */
  readonly order: string[];
  /** Event name -> keys of the computed traits that read it. */
  readonly computedByEvent: Map<string, string[]>;
  /** Some live rule reads a computed trait or a prediction: only then do decisions load the stored values. */
  readonly readsComputed: boolean;

  /** `historyDays`: SEGMENTS_EVENT_HISTORY_DAYS, the window "ever" and first / last done read. */
  constructor(
    readonly segments: ReadonlyMap<string, LiveSegment>,
    readonly historyDays: number = DEFAULT_EVENT_HISTORY_DAYS,
    readonly computedTraits: ReadonlyMap<string, ComputedTraitDefinition> = new Map(),
    /** The prediction thresholds (settings); their historyDays is the catalog's. */
    readonly predictions: PredictionConfig = { ...DEFAULT_PREDICTION_CONFIG, historyDays },
  ) {
    this.computedByEvent = indexComputedTraitsByEvent(computedTraits.values());
    this.index = new RuleIndex([...segments.values()]);
    this.readsComputed = [...segments.values()].some((s) => [...ruleReferences(s.rule).fields].some((f) => f.startsWith('computed.') || f.startsWith('prediction.')));
    this.order = dependencyOrder(new Map([...segments].map(([id, s]) => [id, s.rule])));
  }

  /** Read inside the caller's transaction, so a slice sees one consistent set of definitions. */
  static async load(tx: SqlExecutor, settings: Pick<SegmentSettings, 'eventHistoryDays' | 'predictions'>): Promise<SegmentCatalog> {
    const { rows } = await tx.query<{ segment_id: string; version: number; rule: Rule; include_test_profiles: boolean }>(
      'SELECT segment_id, version, rule, include_test_profiles FROM segment_definitions WHERE deleted_at IS NULL',
    );
    const traits = await tx.query<{ definition: ComputedTraitDefinition }>('SELECT definition FROM computed_trait_definitions WHERE deleted_at IS NULL ORDER BY trait_key');
    return new SegmentCatalog(
      new Map(rows.map((r) => [r.segment_id, { id: r.segment_id, version: r.version, rule: r.rule, includeTestProfiles: r.include_test_profiles }])),
      settings.eventHistoryDays,
      new Map(traits.rows.map((r) => [r.definition.key, r.definition])),
      { ...settings.predictions, historyDays: settings.eventHistoryDays },
    );
  }
}
