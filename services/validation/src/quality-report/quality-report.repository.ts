import type { SqlExecutor } from '@tessera/kafka';
import { QUALITY_COUNTERS, type QualityCounts } from './quality-counters';

export type { QualityCounts } from './quality-counters';

export interface DailyQuality extends QualityCounts {
  sourceId: string;
  day: string;
}

/** Lanes (one per consumed partition) are summed back into one row per source and day. */
const SUMS = QUALITY_COUNTERS.map(([column]) => `sum(${column})::bigint AS ${column}`).join(', ');

type Row = Record<string, string | Date>;

/** Reads the daily input-quality counters the pipeline keeps. */
export class QualityReportRepository {
  /** Day rows in [fromDay, toDay] (inclusive, YYYY-MM-DD UTC), optionally for one source. */
  async days(db: SqlExecutor, fromDay: string, toDay: string, sourceId?: string): Promise<DailyQuality[]> {
    const params: unknown[] = [fromDay, toDay];
    let where = 'day BETWEEN $1::date AND $2::date';
    if (sourceId !== undefined) {
      params.push(sourceId);
      where += ' AND source_id = $3';
    }
    const { rows } = await db.query<Row>(
      `SELECT source_id, to_char(day, 'YYYY-MM-DD') AS day, ${SUMS} FROM input_quality_daily WHERE ${where} GROUP BY source_id, day ORDER BY source_id, day`,
      params,
    );
    return rows.map((row) => ({
      sourceId: String(row.source_id),
      day: String(row.day),
      ...(Object.fromEntries(QUALITY_COUNTERS.map(([column, field]) => [field, Number(row[column])])) as unknown as QualityCounts),
    }));
  }
}
