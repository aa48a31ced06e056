import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * - connections: connector, config (secrets included: only this service's role reads the schema), streams with
 *   their field mappings, schedule and the next time it is due;
 * - stream_cursors: each stream's last committed cursor, written in the same transaction as its records;
 * - runs: one sync run, its progress (updated at each checkpoint) and its lease (a run of a dead process is resumed
 *   once the lease has run out). At most one queued or running run per connection (partial unique index);
 * - row_keys: every source row a stream has emitted and the run that last saw it (full refresh: disappeared rows);
 * - run_disappeared: the rows a full refresh did not see, listed on the run.
 */
export class ConnectorsTables1735000000000 implements MigrationInterface {
  name = 'ConnectorsTables1735000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE connections (
      connection_id text PRIMARY KEY,
      name text NOT NULL,
      connector text NOT NULL,
      config jsonb NOT NULL,
      source_id text NOT NULL,
      streams jsonb NOT NULL,
      schedule jsonb NULL,
      timezone text NOT NULL DEFAULT 'UTC',
      unset_missing boolean NOT NULL DEFAULT false,
      enabled boolean NOT NULL DEFAULT true,
      next_run_at timestamptz NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query('CREATE INDEX connections_due_idx ON connections (next_run_at) WHERE next_run_at IS NOT NULL AND enabled');
    await q.query(`CREATE TABLE stream_cursors (
      connection_id text NOT NULL,
      stream text NOT NULL,
      cursor jsonb NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (connection_id, stream))`);
    await q.query(`CREATE TABLE runs (
      run_id text PRIMARY KEY,
      connection_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      trigger text NOT NULL,
      full_refresh boolean NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz NULL,
      finished_at timestamptz NULL,
      records_read bigint NOT NULL DEFAULT 0,
      records_emitted bigint NOT NULL DEFAULT 0,
      records_rejected bigint NOT NULL DEFAULT 0,
      estimated_total bigint NULL,
      disappeared integer NULL,
      checkpoints integer NOT NULL DEFAULT 0,
      cursor_before jsonb NOT NULL,
      cursor_after jsonb NOT NULL,
      streams_done text[] NOT NULL DEFAULT '{}',
      error text NULL,
      attempts integer NOT NULL DEFAULT 0,
      lease_owner text NULL,
      lease_until timestamptz NULL)`);
    await q.query(`CREATE UNIQUE INDEX runs_one_active_idx ON runs (connection_id) WHERE state IN ('queued', 'running')`);
    await q.query('CREATE INDEX runs_connection_idx ON runs (connection_id, queued_at DESC)');
    await q.query(`CREATE INDEX runs_claimable_idx ON runs (queued_at) WHERE state IN ('queued', 'running')`);
    await q.query(`CREATE TABLE row_keys (
      connection_id text NOT NULL,
      stream text NOT NULL,
      row_key text NOT NULL,
      last_seen_run text NOT NULL,
      identifier text NULL,
      brand text NULL,
      PRIMARY KEY (connection_id, stream, row_key))`);
    await q.query(`CREATE TABLE run_disappeared (
      run_id text NOT NULL,
      stream text NOT NULL,
      row_key text NOT NULL,
      PRIMARY KEY (run_id, stream, row_key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['run_disappeared', 'row_keys', 'runs', 'stream_cursors', 'connections'])
      await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
