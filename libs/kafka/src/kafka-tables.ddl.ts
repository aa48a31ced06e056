/**
 * DDL for the exactly-once tables. Names are unqualified on purpose: each service runs them with its own
 * schema on the search_path, from its own TypeORM migration (`queryRunner.query(stmt)` for each statement).
 */
export const KafkaTables = {
  offsets: 'kafka_consumer_offsets',
  outbox: 'kafka_outbox',
  inbox: 'kafka_inbox',
  outboxBatches: 'kafka_outbox_batches',
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

/** Reverse of kafkaTablesDdl(), for a migration's down(). */
export function dropKafkaTablesDdl(): string[] {
  return [
    `DROP TABLE IF EXISTS ${KafkaTables.inbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.outbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.offsets}`,
  ];
}
