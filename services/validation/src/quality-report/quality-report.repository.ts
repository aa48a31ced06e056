import type { SqlExecutor } from '@tessera/kafka';

export interface QualityCounts {
  eventsAccepted: number;
  recordsAccepted: number;
  rejected: number;
  duplicates: number;
  flagged: number;
  testItems: number;
  emailsSeen: number;
  emailsValid: number;
  phonesSeen: number;
  phonesValid: number;
  transactionsSeen: number;
  transactionsWellFormed: number;
}

export interface DailyQuality extends QualityCounts {
  sourceId: string;
  day: string;
}

const COUNTER_COLUMNS = [
  'events_accepted', 'records_accepted', 'rejected', 'duplicates', 'flagged', 'test_items',
  'emails_seen', 'emails_valid', 'phones_seen', 'phones_valid', 'transactions_seen', 'transactions_well_formed',
];
/** Lanes (one per consumed partition) are summed back into one row per source and day. */
const SUMS = COUNTER_COLUMNS.map((column) => `sum(${column})::bigint AS ${column}`).join(', ');

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
    const { rows } = await db.query<Row>(`SELECT source_id, to_char(day, 'YYYY-MM-DD') AS day, ${SUMS} FROM input_quality_daily WHERE ${where} GROUP BY source_id, day ORDER BY source_id, day`, params);
    return rows.map((row) => ({
      sourceId: String(row.source_id),
      day: String(row.day),
      eventsAccepted: Number(row.events_accepted),
      recordsAccepted: Number(row.records_accepted),
      rejected: Number(row.rejected),
      duplicates: Number(row.duplicates),
      flagged: Number(row.flagged),
      testItems: Number(row.test_items),
      emailsSeen: Number(row.emails_seen),
      emailsValid: Number(row.emails_valid),
      phonesSeen: Number(row.phones_seen),
      phonesValid: Number(row.phones_valid),
      transactionsSeen: Number(row.transactions_seen),
      transactionsWellFormed: Number(row.transactions_well_formed),
    }));
  }
}
