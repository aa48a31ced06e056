/**
 * DDL for the exactly-once tables. Names are unqualified on purpose: each service runs them with its own
 * schema on the search_path, from its own TypeORM migration (`queryRunner.query(stmt)` for each statement).
 */
export const KafkaTables = {
  offsets: 'kafka_consumer_offsets',
  outbox: 'kafka_outbox',
  inbox: 'kafka_inbox',
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
 * Second step of the tables, for a later migration: an outbox row may hold many messages (`packed`, see
 * outbox-batch-codec.ts; `message_count` of them). Plain rows (packed IS NULL) keep their meaning.
 */
export function kafkaOutboxPackingDdl(): string[] {
  return [
    `ALTER TABLE ${KafkaTables.outbox} ADD COLUMN IF NOT EXISTS packed bytea, ADD COLUMN IF NOT EXISTS message_count integer NOT NULL DEFAULT 1`,
    // A packed row lives for a moment and holds Avro bytes that compress poorly: compressing them (TOAST's
    // default for values over 2 kB) cost milliseconds per row for nothing. Large values still go out of line.
    `ALTER TABLE ${KafkaTables.outbox} ALTER COLUMN packed SET STORAGE EXTERNAL`,
  ];
}

export function dropKafkaOutboxPackingDdl(): string[] {
  return [`ALTER TABLE ${KafkaTables.outbox} DROP COLUMN IF EXISTS packed, DROP COLUMN IF EXISTS message_count`];
}

/** Reverse of kafkaTablesDdl(), for a migration's down(). */
export function dropKafkaTablesDdl(): string[] {
  return [
    `DROP TABLE IF EXISTS ${KafkaTables.inbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.outbox}`,
    `DROP TABLE IF EXISTS ${KafkaTables.offsets}`,
  ];
}
