import type { ParameterizedWrite } from '@tessera/kafka';
import { buildUnnestInsert } from '@tessera/persistence';
import { emptyQualityCounts, QUALITY_COUNTERS as COUNTERS, type QualityCounts } from './quality-counters';

/** What one item adds to its (source, day) counters. */
export type QualityDelta = QualityCounts;

/**
 * Per-transaction tally of the daily input-quality counters, folded in memory by (source, UTC day of receipt, lane)
 * and written with one multi-row upsert in the batch transaction, so the report is exact under redelivery.
 */
export class QualityTally {
  private readonly byKey = new Map<string, { sourceId: string; day: string; delta: QualityDelta }>();

  /**
   * @param lane a partition the transaction consumes (its first slice's): each upserts its own rows, so transactions
   * of different partitions never wait on each other.
   */
  constructor(private readonly lane: number) {}

  add(sourceId: string, receivedAt: number, delta: Partial<QualityDelta>): void {
    const day = new Date(receivedAt).toISOString().slice(0, 10);
    const key = `${sourceId}\u0000${day}`;
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { sourceId, day, delta: emptyQualityCounts() };
      this.byKey.set(key, entry);
    }
    for (const [field, value] of Object.entries(delta) as [keyof QualityDelta, number][]) entry.delta[field] += value;
  }

  /** The upsert of the folded rows (none when nothing was added: unnest of empty arrays inserts nothing). */
  upsert(): ParameterizedWrite {
    // Sorted, so two partitions' transactions that touch the same (source, day) rows lock them in the same order.
    const entries = [...this.byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry);
    const rows = entries.map(({ sourceId, day, delta }) => ({
      source_id: sourceId,
      day,
      lane: this.lane,
      ...Object.fromEntries(COUNTERS.map(([column, field]) => [column, delta[field]])),
    }));
    return buildUnnestInsert({
      table: 'input_quality_daily',
      alias: 'q',
      columns: [
        { name: 'source_id', type: 'text' },
        { name: 'day', type: 'date' },
        { name: 'lane', type: 'smallint' },
        ...COUNTERS.map(([column]) => ({ name: column, type: 'bigint' })),
      ],
      rows,
      onConflict: {
        target: ['source_id', 'day', 'lane'],
        update: COUNTERS.map(([column]) => ({ column, expression: `q.${column} + EXCLUDED.${column}` })),
      },
    });
  }
}
