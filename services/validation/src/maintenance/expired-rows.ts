import type { SqlExecutor } from '@tessera/kafka';
import type { Logger, Registry } from '@tessera/observability';
import { deleteInBatches, type PrunerOptions } from '@tessera/service-kit';
import { prunerMetrics } from './metrics';

/** A table whose rows expire by age: what a pruner deletes, and what its log lines call them. */
export interface ExpiringTable {
  /** A table of validation's schema (a constant of this code, never input). */
  readonly table: string;
  /** The timestamptz column a row's age is measured from. */
  readonly timeColumn: string;
  readonly what: string;
}

/** Deletes the rows older than olderThanMs in chunks (deleteInBatches); returns how many it deleted. */
export function deleteExpiredRows(
  db: SqlExecutor,
  { table, timeColumn }: ExpiringTable,
  olderThanMs: number,
  chunk = 10_000,
): Promise<number> {
  return deleteInBatches(
    async (limit) =>
      (
        await db.query(
          `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM ${table} WHERE ${timeColumn} < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2))`,
          [olderThanMs, limit],
        )
      ).rowCount ?? 0,
    chunk,
  );
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
