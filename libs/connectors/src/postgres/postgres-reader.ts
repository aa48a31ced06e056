import type { Client, QueryArrayResult } from 'pg';
import type { Cursor, ReadMessage, SourceRecord } from '@tessera/connector-sdk';
import { connectSource } from './postgres-client';
import { DEFAULT_PAGE_SIZE, findPostgresStream, type PostgresConfig, type PostgresStreamConfig } from './postgres-config';
import { streamPrimaryKey } from './postgres-catalog';
import { keyColumns, pageQuery, remainingQuery } from './keyset-query';

/** Below this many rows (as the planner guesses) the estimate is an exact count; above, the planner's guess. */
const EXACT_COUNT_BELOW = 100_000;

/** Where a read stands: the key columns it is ordered by, and their values (as text) in the last row emitted. */
export interface PostgresCursor {
  keys: string[];
  after: string[];
}

/**
 * Reads a stream in (replication key, primary key) order, one keyset page at a time, as one records message and a
 * checkpoint after it: its cursor is the last row's keys, so a resumed read starts right after it even when many rows share one
 * replication-key value. An estimate of the rows to read comes first. The next page is requested as soon as a page
 * arrives (its last row gives the keys), so the source reads it while this one is consumed.
 */
export async function* readPostgres(
  config: PostgresConfig,
  streamName: string,
  cursor: Cursor,
  signal?: AbortSignal,
): AsyncGenerator<ReadMessage> {
  const stream = findPostgresStream(config, streamName);
  const client = await connectSource(config);
  try {
    const primaryKey = await streamPrimaryKey(client, stream);
    const keys = keyColumns(stream.replicationKey, primaryKey);
    const keyOfRow = primaryKey.map((column) => keys.indexOf(column));
    let after = savedKeys(cursor, keys, stream);
    const pageSize = config.pageSize ?? DEFAULT_PAGE_SIZE;
    yield { type: 'estimate', total: await estimateRows(client, stream, keys, after) };

    const fetchPage = (from: string[] | null): Promise<QueryArrayResult<unknown[]>> => {
      const query = client.query<unknown[]>({ ...pageQuery(stream, keys, from, pageSize), rowMode: 'array' });
      // Handled here too: if the consumer stops while it is in flight, client.end() rejects it unobserved.
      query.catch(() => undefined);
      return query;
    };
    let next = fetchPage(after);
    for (;;) {
      const page = await next;
      signal?.throwIfAborted();
      if (page.rows.length === 0) return;
      const names = page.fields.map((f) => f.name);
      const dataWidth = names.length - keys.length;
      const singleKey = keyOfRow.length === 1 ? dataWidth + keyOfRow[0] : -1;
      after = page.rows[page.rows.length - 1].slice(dataWidth) as string[];
      // The next page's query goes out before this page's records are handed over: Postgres reads it meanwhile.
      const more = page.rows.length === pageSize;
      if (more) next = fetchPage(after);
      const records: SourceRecord[] = new Array(page.rows.length);
      for (let r = 0; r < records.length; r += 1) {
        const row = page.rows[r];
        const data: Record<string, unknown> = {};
        for (let i = 0; i < dataWidth; i += 1) data[names[i]] = row[i];
        const rowKey = singleKey >= 0 ? (row[singleKey] as string) : JSON.stringify(keyOfRow.map((k) => row[dataWidth + k]));
        records[r] = { data, rowKey };
      }
      yield { type: 'records', stream: stream.name, records };
      yield { type: 'checkpoint', cursor: { keys, after } satisfies PostgresCursor };
      if (!more) return;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function savedKeys(cursor: Cursor, keys: string[], stream: PostgresStreamConfig): string[] | null {
  if (cursor === null) return null;
  const saved = cursor as unknown as PostgresCursor;
  if (!Array.isArray(saved.keys) || saved.keys.join('\u0000') !== keys.join('\u0000') || !Array.isArray(saved.after)) {
    throw new Error(
      `stream ${stream.name}: the saved cursor is ordered by (${String(saved.keys)}), the stream now by (${keys.join(', ')}): request a full refresh`,
    );
  }
  return saved.after;
}

async function estimateRows(client: Client, stream: PostgresStreamConfig, keys: string[], after: string[] | null): Promise<number> {
  const rows = remainingQuery(stream, keys, after, '1');
  const plan = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>({
    text: `EXPLAIN (FORMAT JSON) ${rows.text}`,
    values: rows.values,
  });
  const guess = plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
  if (guess >= EXACT_COUNT_BELOW) return guess;
  const counted = await client.query<{ n: number }>(remainingQuery(stream, keys, after, 'count(*)::int AS n'));
  return counted.rows[0].n;
}
