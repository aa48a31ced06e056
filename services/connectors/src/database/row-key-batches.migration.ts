import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * row_key_batches replaces row_keys: the row keys a checkpoint emitted are one row of arrays (written once per
 * checkpoint) instead of one upserted row per key, which cost Postgres 15 µs per new key and ~30 µs per key seen
 * again (docs/benchmarks.md, "Connectors: row keys per checkpoint"). The latest occurrence of a key (highest seq,
 * then position) holds its identifier and brand. `compacted` marks a stream's complete key set (a full refresh's
 * batches, or a compaction), against which the batches of later incremental runs are weighed (sync/row-key-log.ts).
 * Existing row keys move over as compacted batches of 10,000.
 */
export class RowKeyBatches1737000000000 implements MigrationInterface {
  name = 'RowKeyBatches1737000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE row_key_batches (
      seq bigserial PRIMARY KEY,
      connection_id text NOT NULL,
      stream text NOT NULL,
      run_id text NOT NULL,
      compacted boolean NOT NULL DEFAULT false,
      keys integer NOT NULL,
      row_keys text[] NOT NULL,
      identifiers text[] NULL,
      brands text[] NULL)`);
    await q.query('CREATE INDEX row_key_batches_stream_idx ON row_key_batches (connection_id, stream, seq)');
    await q.query(`INSERT INTO row_key_batches (connection_id, stream, run_id, compacted, keys, row_keys, identifiers, brands)
      SELECT connection_id, stream, 'migrated', true, count(*), array_agg(row_key ORDER BY row_key), array_agg(identifier ORDER BY row_key),
             array_agg(brand ORDER BY row_key)
        FROM (SELECT *, (row_number() OVER (PARTITION BY connection_id, stream ORDER BY row_key) - 1) / 10000 AS chunk FROM row_keys) k
       GROUP BY connection_id, stream, chunk`);
    await q.query('DROP TABLE row_keys');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE row_keys (
      connection_id text NOT NULL,
      stream text NOT NULL,
      row_key text NOT NULL,
      last_seen_run text NOT NULL,
      identifier text NULL,
      brand text NULL,
      PRIMARY KEY (connection_id, stream, row_key))`);
    await q.query(`INSERT INTO row_keys (connection_id, stream, row_key, last_seen_run, identifier, brand)
      SELECT DISTINCT ON (b.connection_id, b.stream, u.k) b.connection_id, b.stream, u.k, b.run_id, u.i, u.b
        FROM row_key_batches b CROSS JOIN LATERAL unnest(b.row_keys, b.identifiers, b.brands) WITH ORDINALITY AS u(k, i, b, n)
       ORDER BY b.connection_id, b.stream, u.k, b.seq DESC, u.n DESC`);
    await q.query('DROP TABLE row_key_batches');
  }
}
