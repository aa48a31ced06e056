import type { SqlExecutor } from '@tessera/kafka';
import { whereClause } from '../rejections/rejection-store';

export interface RejectionTally {
  rejected: number;
  byReason: Record<string, number>;
}

export interface RunRejections extends RejectionTally {
  runId: string;
  firstRejectedAt: string;
  lastRejectedAt: string;
}

export interface ConnectionRejections extends RejectionTally {
  connectionId: string;
  /** Newest run first. */
  runs: RunRejections[];
}

export interface ConnectionReportFilter {
  runId?: string;
  /** Inclusive / exclusive bounds on rejectedAt (epoch ms). */
  from?: number;
  to?: number;
}

interface Row {
  run_id: string;
  reason: string;
  n: string;
  first_at: Date;
  last_at: Date;
}

function tally(target: RejectionTally, reason: string, n: number): void {
  target.rejected += n;
  target.byReason[reason] = (target.byReason[reason] ?? 0) + n;
}

/** Rejections of one connection's records counted by run and reason, from the rejections store (same retention). */
export class ConnectionReportRepository {
  async rejections(db: SqlExecutor, connectionId: string, filter: ConnectionReportFilter): Promise<ConnectionRejections> {
    const { where, params } = whereClause({ connectionId, runId: filter.runId, from: filter.from, to: filter.to });
    const { rows } = await db.query<Row>(
      `SELECT run_id, reason, count(*)::bigint AS n, min(rejected_at) AS first_at, max(rejected_at) AS last_at
         FROM rejections WHERE ${where.join(' AND ')} GROUP BY run_id, reason`,
      params,
    );
    const report: ConnectionRejections = { connectionId, rejected: 0, byReason: {}, runs: [] };
    const runs = new Map<string, RunRejections>();
    for (const row of rows) {
      const n = Number(row.n);
      tally(report, row.reason, n);
      const run = runs.get(row.run_id) ?? {
        runId: row.run_id,
        rejected: 0,
        byReason: {},
        firstRejectedAt: row.first_at.toISOString(),
        lastRejectedAt: row.last_at.toISOString(),
      };
      tally(run, row.reason, n);
      if (row.first_at.toISOString() < run.firstRejectedAt) run.firstRejectedAt = row.first_at.toISOString();
      if (row.last_at.toISOString() > run.lastRejectedAt) run.lastRejectedAt = row.last_at.toISOString();
      runs.set(row.run_id, run);
    }
    report.runs = [...runs.values()].sort((a, b) =>
      a.lastRejectedAt < b.lastRejectedAt ? 1 : a.lastRejectedAt > b.lastRejectedAt ? -1 : 0,
    );
    return report;
  }
}
