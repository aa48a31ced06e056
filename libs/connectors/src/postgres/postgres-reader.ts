import type { Client } from 'pg';
import type { Cursor, ReadMessage } from '@tessera/connector-sdk';
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
 * Reads a stream in (replication key, primary key) order, one keyset page at a time, with a checkpoint after each
 * page: its cursor is the last row's keys, so a resumed read starts right after it even when many rows share one
 * replication-key value. An estimate of the rows to read comes first.
 */
export async function* readPostgres(config: PostgresConfig, streamName: string, cursor: Cursor, signal?: AbortSignal): AsyncGenerator<ReadMessage> {
  const stream = findPostgresStream(config, streamName);
  const client = await connectSource(config);
  try {
    const primaryKey = await streamPrimaryKey(client, stream);
    const keys = keyColumns(stream.replicationKey, primaryKey);
    const keyOfRow = primaryKey.map((column) => keys.indexOf(column));
    let after = savedKeys(cursor, keys, stream);
    const pageSize = config.pageSize ?? DEFAULT_PAGE_SIZE;
    yield { type: 'estimate', total: await estimateRows(client, stream, keys, after) };

    for (;;) {
      signal?.throwIfAborted();
      const page = await client.query<unknown[]>({ ...pageQuery(stream, keys, after, pageSize), rowMode: 'array' });
      const names = page.fields.map((f) => f.name);
      const dataWidth = names.length - keys.length;
      let last: string[] | null = null;
      for (const row of page.rows) {
        const data: Record<string, unknown> = {};
        for (let i = 0; i < dataWidth; i += 1) data[names[i]] = row[i];
        last = row.slice(dataWidth) as string[];
        const pk = keyOfRow.map((k) => last![k]);
        yield { type: 'record', stream: stream.name, data, rowKey: pk.length === 1 ? pk[0] : JSON.stringify(pk) };
      }
      if (last === null) return;
      after = last;
      yield { type: 'checkpoint', cursor: { keys, after } satisfies PostgresCursor };
      if (page.rows.length < pageSize) return;
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
  const plan = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>({
    ...remainingQuery(stream, keys, after, '1'),
    text: `EXPLAIN (FORMAT JSON) ${remainingQuery(stream, keys, after, '1').text}`,
  });
  const guess = plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
  if (guess >= EXACT_COUNT_BELOW) return guess;
  const { rows } = await client.query<{ n: number }>(remainingQuery(stream, keys, after, 'count(*)::int AS n'));
  return rows[0].n;
}
