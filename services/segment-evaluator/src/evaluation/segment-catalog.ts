import type { SqlExecutor } from '@tessera/kafka';
import { DEFAULT_EVENT_HISTORY_DAYS, dependencyOrder, RuleIndex, type Rule } from '../rules';

export interface LiveSegment {
  id: string;
  version: number;
  rule: Rule;
  includeTestProfiles: boolean;
}

/** The live segment definitions, with the rule index and the dependency order evaluation needs. */
export class SegmentCatalog {
  readonly index: RuleIndex;
  /** Every live id, each after the segments it references. */
  readonly order: string[];

  /** `historyDays`: SEGMENTS_EVENT_HISTORY_DAYS, the window "ever" and first / last done read. */
  constructor(
    readonly segments: ReadonlyMap<string, LiveSegment>,
    readonly historyDays: number = DEFAULT_EVENT_HISTORY_DAYS,
  ) {
    this.index = new RuleIndex([...segments.values()]);
    this.order = dependencyOrder(new Map([...segments].map(([id, s]) => [id, s.rule])));
  }

  /** Read inside the caller's transaction, so a slice sees one consistent set of definitions. */
  static async load(tx: SqlExecutor, historyDays: number = DEFAULT_EVENT_HISTORY_DAYS): Promise<SegmentCatalog> {
    const { rows } = await tx.query<{ segment_id: string; version: number; rule: Rule; include_test_profiles: boolean }>(
      'SELECT segment_id, version, rule, include_test_profiles FROM segment_definitions WHERE deleted_at IS NULL',
    );
    return new SegmentCatalog(new Map(rows.map((r) => [r.segment_id, { id: r.segment_id, version: r.version, rule: r.rule, includeTestProfiles: r.include_test_profiles }])), historyDays);
  }
}
