import type { SqlExecutor } from '@tessera/kafka';

/** The row keys a checkpoint emitted, column by column, as row_key_batches stores them. */
export interface RowKeyColumns {
  rowKeys: string[];
  /** The (brand-namespaced) identifier values: an unset record for a row finds the profile by it. */
  identifiers: (string | null)[];
  /** Null when no record had a brand. */
  brands: (string | null)[] | null;
}

/** A row key a full refresh did not see, with the identifier and brand of its latest occurrence. */
export interface GoneRow {
  stream: string;
  row_key: string;
  identifier: string | null;
  brand: string | null;
}

/** Incremental runs' batches are compacted once they hold more keys than this and than the stream's compacted set. */
export const COMPACTION_MINIMUM_KEYS = 100_000;

const CHUNK_KEYS = 10_000;

/** A JSON array parameter as text[], in order (JSON.stringify is far cheaper in Node than pg's array literal). */
const textArray = (param: string) =>
  `ARRAY(SELECT e FROM jsonb_array_elements_text(${param}::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n)`;

/**
 * The row keys a checkpoint emitted, as ONE row of arrays in the checkpoint's transaction (row_key_batches): the
 * per-key upsert it replaces cost Postgres more than the records themselves. Duplicates are kept; the latest
 * occurrence of a key wins wherever it matters (takeDisappeared, compactRowKeys).
 */
export async function appendRowKeys(
  tx: SqlExecutor,
  connectionId: string,
  stream: string,
  runId: string,
  { rowKeys, identifiers, brands }: RowKeyColumns,
): Promise<void> {
  if (rowKeys.length === 0) return;
  await tx.query(
    `INSERT INTO row_key_batches (connection_id, stream, run_id, keys, row_keys, identifiers, brands)
     VALUES ($1, $2, $3, $4, ${textArray('$5')}, ${textArray('$6')}, CASE WHEN $7::jsonb IS NULL THEN NULL ELSE ${textArray('$7')} END)`,
    [connectionId, stream, runId, rowKeys.length, JSON.stringify(rowKeys), JSON.stringify(identifiers), brands && JSON.stringify(brands)],
  );
}

/**
 * The end of a full refresh of `streams`: every key an earlier run emitted that this run did not is gone from the
 * source. Returns those (latest identifier and brand), forgets every earlier batch of the streams, and marks this
 * run's batches as the streams' complete key set. A first run (no earlier batches) skips the anti-join.
 */
export async function takeDisappeared(
  tx: SqlExecutor,
  connectionId: string,
  streams: readonly string[],
  runId: string,
): Promise<GoneRow[]> {
  const params = [connectionId, streams, runId];
  const earlier = await tx.query(
    'SELECT 1 FROM row_key_batches WHERE connection_id = $1 AND stream = ANY($2::text[]) AND run_id <> $3 LIMIT 1',
    params,
  );
  let gone: GoneRow[] = [];
  if (earlier.rows.length > 0) {
    gone = (
      await tx.query<GoneRow>(
        `WITH mine AS (
           SELECT b.stream, u.k FROM row_key_batches b CROSS JOIN LATERAL unnest(b.row_keys) AS u(k)
            WHERE b.connection_id = $1 AND b.stream = ANY($2::text[]) AND b.run_id = $3
         ), earlier AS (
           SELECT b.stream, b.seq, u.k, u.i, u.b, u.n
             FROM row_key_batches b CROSS JOIN LATERAL unnest(b.row_keys, b.identifiers, b.brands) WITH ORDINALITY AS u(k, i, b, n)
            WHERE b.connection_id = $1 AND b.stream = ANY($2::text[]) AND b.run_id <> $3
         )
         SELECT DISTINCT ON (e.stream, e.k) e.stream, e.k AS row_key, e.i AS identifier, e.b AS brand
           FROM earlier e WHERE NOT EXISTS (SELECT 1 FROM mine m WHERE m.stream = e.stream AND m.k = e.k)
          ORDER BY e.stream, e.k, e.seq DESC, e.n DESC`,
        params,
      )
    ).rows;
    await tx.query('DELETE FROM row_key_batches WHERE connection_id = $1 AND stream = ANY($2::text[]) AND run_id <> $3', params);
  }
  await tx.query(
    'UPDATE row_key_batches SET compacted = true WHERE connection_id = $1 AND stream = ANY($2::text[]) AND run_id = $3 AND NOT compacted',
    params,
  );
  return gone;
}

/**
 * After an incremental run: a stream whose batches since its complete key set hold more keys than that set (and
 * than `minimumKeys`) is rewritten as one occurrence per key, in chunks of 10,000. Each key is rewritten at most
 * about once per key appended, so the table stays within ~2x the source's keys plus the minimum.
 */
export async function compactRowKeys(
  tx: SqlExecutor,
  connectionId: string,
  streams: readonly string[],
  runId: string,
  minimumKeys = COMPACTION_MINIMUM_KEYS,
): Promise<string[]> {
  const { rows } = await tx.query<{ stream: string }>(
    `SELECT stream FROM row_key_batches WHERE connection_id = $1 AND stream = ANY($2::text[]) GROUP BY stream
     HAVING coalesce(sum(keys) FILTER (WHERE NOT compacted), 0) > greatest(coalesce(sum(keys) FILTER (WHERE compacted), 0), $3::bigint)`,
    [connectionId, streams, minimumKeys],
  );
  for (const { stream } of rows) {
    await tx.query(
      `WITH old AS (
         DELETE FROM row_key_batches WHERE connection_id = $1 AND stream = $2 RETURNING seq, row_keys, identifiers, brands
       ), latest AS (
         SELECT DISTINCT ON (u.k) u.k, u.i, u.b
           FROM old o CROSS JOIN LATERAL unnest(o.row_keys, o.identifiers, o.brands) WITH ORDINALITY AS u(k, i, b, n)
          ORDER BY u.k, o.seq DESC, u.n DESC
       ), chunked AS (
         SELECT (row_number() OVER (ORDER BY k) - 1) / $4 AS chunk, k, i, b FROM latest
       )
       INSERT INTO row_key_batches (connection_id, stream, run_id, compacted, keys, row_keys, identifiers, brands)
       SELECT $1, $2, $3, true, count(*), array_agg(k ORDER BY k), array_agg(i ORDER BY k), array_agg(b ORDER BY k) FROM chunked GROUP BY chunk`,
      [connectionId, stream, runId, CHUNK_KEYS],
    );
  }
  return rows.map((r) => r.stream);
}
