/**
 * DDL for the exactly-once tables. Names are unqualified on purpose: each service runs them with its own
 * schema on the search_path, from its own TypeORM migration (`queryRunner.query(stmt)` for each statement).
 */
export const KafkaTables = {
  offsets: 'kafka_consumer_offsets',
  outbox: 'kafka_outbox',
  inbox: 'kafka_inbox',
  outboxBatches: 'kafka_outbox_batches',
  outboxOrigin: 'kafka_outbox_origin',
  inboxSequences: 'kafka_inbox_sequences',
} as const;

/** Statements that create the offsets, outbox and inbox tables; idempotent (IF NOT EXISTS). */
export function kafkaTablesDdl(): string[] {
  return [
    // The offset a group must apply next, per partition. Locked FOR UPDATE by each batch transaction: this both
    // skips redelivered messages and fences a zombie instance still processing after a rebalance.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.offsets} (
      group_id text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, topic, partition)
    )`,
    // Messages to publish, written in the same transaction as the state change. `lane` is a hash of the key, so
    // relays that split the work by lane still publish one key's messages in order.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outbox} (
      id bigserial PRIMARY KEY,
      message_id text NOT NULL UNIQUE,
      topic text NOT NULL,
      lane smallint NOT NULL,
      key bytea,
      value bytea,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX IF NOT EXISTS ${KafkaTables.outbox}_lane_id_idx ON ${KafkaTables.outbox} (lane, id)`,
    // Message ids already applied, per group: the relay may publish a row twice (crash between publish and delete).
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.inbox} (
      group_id text NOT NULL,
      message_id text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, message_id)
    )`,
    `CREATE INDEX IF NOT EXISTS ${KafkaTables.inbox}_received_at_idx ON ${KafkaTables.inbox} (received_at)`,
  ];
}

/**
 * Second step of the tables, for a later migration: the packed outbox (outbox-batch-codec.ts), one row per lane
 * per transaction holding up to 500 messages. A table of its own, not new columns on kafka_outbox: a relay of
 * the previous release, still running during a rolling deploy, reads kafka_outbox only, so it can never take a
 * packed row for a plain one (it would publish one null message and delete hundreds).
 */
export function kafkaOutboxPackingDdl(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outboxBatches} (
      id bigserial PRIMARY KEY,
      lane smallint NOT NULL,
      message_count integer NOT NULL,
      packed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // Short-lived Avro bytes compress poorly: compressing them (TOAST's default over 2 kB) cost milliseconds per
    // row for nothing. Large values still go out of line.
    `ALTER TABLE ${KafkaTables.outboxBatches} ALTER COLUMN packed SET STORAGE EXTERNAL`,
    `CREATE INDEX IF NOT EXISTS ${KafkaTables.outboxBatches}_lane_id_idx ON ${KafkaTables.outboxBatches} (lane, id)`,
  ];
}

export function dropKafkaOutboxPackingDdl(): string[] {
  return [`DROP TABLE IF EXISTS ${KafkaTables.outboxBatches}`];
}

/**
 * Third step, for a later migration: the per-lane sequence that lets consumers dedupe relayed messages with a
 * high-water mark instead of an inbox row per message (outbox-sequence.ts, sequence-dedupe.ts). Needs
 * Postgres >= 13 (xid8, pg_current_xact_id, gen_random_uuid).
 */
export function kafkaOutboxSequenceDdl(): string[] {
  const batches = KafkaTables.outboxBatches;
  return [
    // The writer transaction's id. The relay publishes only rows whose writer is older than every running
    // transaction, in (xid, id) order: a transaction that commits later always has a larger xid, so each lane's
    // publishing order only ever moves forward. Existing rows get the migration's xid and keep their id order.
    `ALTER TABLE ${batches} ADD COLUMN IF NOT EXISTS xid xid8 NOT NULL DEFAULT pg_current_xact_id()`,
    `CREATE INDEX IF NOT EXISTS ${batches}_lane_xid_id_idx ON ${batches} (lane, xid, id)`,
    // Which outbox a sequence belongs to. Random, so a recreated database (whose xid counter starts again) is a new
    // origin. Restoring a backup keeps the row: rotate it then (see libs/kafka README). `singleton` keeps it one row.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outboxOrigin} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      origin text NOT NULL
    )`,
    `INSERT INTO ${KafkaTables.outboxOrigin} (origin) VALUES (gen_random_uuid()::text) ON CONFLICT DO NOTHING`,
    // Per consumer group and partition, the highest (xid, pos) applied per outbox lane. Bounded by
    // origins x lanes x partitions, so it needs no pruning.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.inboxSequences} (
      group_id text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      origin text NOT NULL,
      lane smallint NOT NULL,
      last_xid bigint NOT NULL,
      last_pos bigint NOT NULL,
      PRIMARY KEY (group_id, topic, partition, origin, lane)
    )`,
  ];
}

export function dropKafkaOutboxSequenceDdl(): string[] {
  const batches = KafkaTables.outboxBatches;
  return [
    `DROP TABLE IF EXISTS ${KafkaTables.inboxSequences}`,
    `DROP TABLE IF EXISTS ${KafkaTables.outboxOrigin}`,
    `DROP INDEX IF EXISTS ${batches}_lane_xid_id_idx`,
    `ALTER TABLE ${batches} DROP COLUMN IF EXISTS xid`,
  ];
}

/**
 * Fourth step: the index the relay's claim really needs. It publishes the settled rows of all its lanes in one
 * (xid, id) order, which an index on (xid, id) hands over directly with the LIMIT; with (lane, xid, id) Postgres
 * sorted the whole table each round (about 100 ms a round at 80,000 waiting rows). It also finds the newest xid
 * (is anything held back?) with one backward index step.
 */
export function kafkaOutboxPublishOrderDdl(): string[] {
  const batches = KafkaTables.outboxBatches;
  return [`CREATE INDEX IF NOT EXISTS ${batches}_xid_id_idx ON ${batches} (xid, id)`, `DROP INDEX IF EXISTS ${batches}_lane_xid_id_idx`];
}

export function dropKafkaOutboxPublishOrderDdl(): string[] {
  const batches = KafkaTables.outboxBatches;
  return [`CREATE INDEX IF NOT EXISTS ${batches}_lane_xid_id_idx ON ${batches} (lane, xid, id)`, `DROP INDEX IF EXISTS ${batches}_xid_id_idx`];
}

/** Reverse of kafkaTablesDdl(), for a migration's down(). */
export function dropKafkaTablesDdl(): string[] {
  return [
    `DROP TABLE IF EXISTS ${KafkaTables.inbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.outbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.offsets}`,
  ];
}
