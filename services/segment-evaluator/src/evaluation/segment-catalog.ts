import type { SqlExecutor } from '@tessera/kafka';
import { DEFAULT_PREDICTION_CONFIG, indexComputedTraitsByEvent, type ComputedTraitDefinition, type PredictionConfig } from '../computed';
import type { SegmentSettings } from '../config/segment-settings';
import { DEFAULT_EVENT_HISTORY_DAYS, dependencyOrder, RuleIndex, ruleReferences, type Rule } from '../rules';

type CatalogSettings = Pick<SegmentSettings, 'eventHistoryDays' | 'predictions'>;

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
    this.readsComputed = [...segments.values()].some((s) =>
      [...ruleReferences(s.rule).fields].some((f) => f.startsWith('computed.') || f.startsWith('prediction.')),
    );
    this.order = dependencyOrder(new Map([...segments].map(([id, s]) => [id, s.rule])));
  }

  /** Read inside the caller's transaction, so a slice sees one consistent set of definitions. */
  static async load(tx: SqlExecutor, settings: CatalogSettings): Promise<SegmentCatalog> {
    return (await SegmentCatalog.loadVersioned(tx, settings)).catalog;
  }

  /**
   * The definitions with the `definitions_epoch` they belong to, in one statement (one snapshot): a cache keyed on
   * the epoch never holds definitions older than its key.
   */
  static async loadVersioned(tx: SqlExecutor, settings: CatalogSettings): Promise<{ epoch: string; catalog: SegmentCatalog }> {
    const { rows } = await tx.query<{ epoch: string; segments: LiveSegment[]; traits: ComputedTraitDefinition[] }>(
      `SELECT (SELECT epoch FROM definitions_epoch)::text AS epoch,
              (SELECT coalesce(json_agg(json_build_object('id', segment_id, 'version', version, 'rule', rule, 'includeTestProfiles', include_test_profiles)), '[]')
                 FROM segment_definitions WHERE deleted_at IS NULL) AS segments,
              (SELECT coalesce(json_agg(definition ORDER BY trait_key), '[]') FROM computed_trait_definitions WHERE deleted_at IS NULL) AS traits`,
    );
    const { epoch, segments, traits } = rows[0];
    return {
      epoch,
      catalog: new SegmentCatalog(
        new Map(segments.map((s) => [s.id, s])),
        settings.eventHistoryDays,
        new Map(traits.map((t) => [t.key, t])),
        { ...settings.predictions, historyDays: settings.eventHistoryDays },
      ),
    };
  }
}
