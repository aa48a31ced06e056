import type { SqlExecutor } from '@tessera/kafka';
import type { Logger, Registry } from '@tessera/observability';
import type { PrunerOptions } from './periodic-pruner';
import { prunerMetrics } from './metrics';

/** A table whose rows expire by age: what a pruner deletes, and what its log lines call them. */
export interface ExpiringTable {
  /** A table of validation's schema (a constant of this code, never input). */
  readonly table: string;
  /** The timestamptz column a row's age is measured from. */
  readonly timeColumn: string;
  readonly what: string;
}

/**
 * Deletes the rows older than olderThanMs in chunks, each its own short statement, so no pass holds many row
 * locks or a long transaction; returns how many it deleted.
 */
export async function deleteExpiredRows(
  db: SqlExecutor,
  { table, timeColumn }: ExpiringTable,
  olderThanMs: number,
  chunk = 10_000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${table} WHERE ${timeColumn} < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2))`,
      [olderThanMs, chunk],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < chunk) return total;
  }
}

export interface ExpiredRowsPrunerInput {
  db: SqlExecutor;
  expiring: ExpiringTable;
  retentionMs: number;
  intervalMs: number;
  logger: Logger;
  registry: Registry;
}

/** What a PeriodicPruner of an expiring table runs, counted in tessera_validation_pruned_rows_total{table}. */
export function expiredRowsPruner({ db, expiring, retentionMs, intervalMs, logger, registry }: ExpiredRowsPrunerInput): PrunerOptions {
  const pruned = prunerMetrics(registry).pruned.labels({ table: expiring.table });
  return {
    what: expiring.what,
    intervalMs,
    logger,
    prune: () => deleteExpiredRows(db, expiring, retentionMs),
    onPruned: (deleted) => pruned.inc(deleted),
  };
}
