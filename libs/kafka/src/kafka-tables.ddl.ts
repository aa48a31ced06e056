/**
 * DDL for the exactly-once runtime's tables. Names are unqualified on purpose: each service runs them with its own
 * schema on the search_path, from its own TypeORM migration (`queryRunner.query(stmt)` for each statement).
 */
export const KafkaTables = {
  offsets: 'kafka_consumer_offsets',
  outboxBatches: 'kafka_outbox_batches',
  outboxOrigin: 'kafka_outbox_origin',
  outboxLanes: 'kafka_outbox_lanes',
  inboxSequences: 'kafka_inbox_sequences',
} as const;

/** Every table of the runtime, in one migration; idempotent (IF NOT EXISTS). Needs Postgres >= 13 (gen_random_uuid). */
export function kafkaRuntimeDdl(): string[] {
  return [
    // IF NOT EXISTS would keep an earlier version's tables (an xid-ordered outbox) and fail later, row by row.
    `DO $$ BEGIN
       IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
                  AND table_name = '${KafkaTables.outboxBatches}' AND column_name = 'xid') THEN
         RAISE EXCEPTION 'schema % holds the Kafka tables of an earlier Tessera version: drop the schema (or remove the dev data directory, TESSERA_DATA_DIR)', current_schema();
       END IF;
     END $$`,
    // The offset a group must apply next, per partition. Locked by each batch transaction: this both skips
    // redelivered messages and fences a zombie instance still processing after a rebalance, and it serialises the
    // partition's outbox lane (outbox-lane.ts).
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.offsets} (
      group_id text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, topic, partition)
    )`,
    // Messages to publish, written in the same transaction as the state change: per lane and transaction, rows of up
    // to 500 messages (outbox-batch-codec.ts). The relay publishes in id order (the primary key).
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outboxBatches} (
      id bigserial PRIMARY KEY,
      lane text NOT NULL,
      message_count integer NOT NULL,
      packed bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // The writer deflates large rows itself (outbox-batch-codec.ts), so TOAST's own compression (pglz, its default
    // over 2 kB) would spend the backend's CPU for nothing. Large values still go out of line.
    `ALTER TABLE ${KafkaTables.outboxBatches} ALTER COLUMN packed SET STORAGE EXTERNAL`,
    // Which outbox a sequence belongs to. Random, so a recreated database (whose row ids start again) is a new
    // origin. Restoring a backup keeps the row: rotate it then (see libs/kafka README). `singleton` keeps it one row.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outboxOrigin} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      origin text NOT NULL
    )`,
    `INSERT INTO ${KafkaTables.outboxOrigin} (origin) VALUES (gen_random_uuid()::text) ON CONFLICT DO NOTHING`,
    // One counter row per writer lane that is not a consumer (lockWriterLane): its row lock serialises the lane.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.outboxLanes} (
      lane text PRIMARY KEY,
      writes bigint NOT NULL
    )`,
    // Per consumer group and partition, the highest position applied per outbox lane. Bounded by
    // origins x lanes x partitions, so it needs no pruning.
    `CREATE TABLE IF NOT EXISTS ${KafkaTables.inboxSequences} (
      group_id text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      origin text NOT NULL,
      lane text NOT NULL,
      last_pos bigint NOT NULL,
      PRIMARY KEY (group_id, topic, partition, origin, lane)
    )`,
  ];
}

/** Reverse of kafkaRuntimeDdl(), for a migration's down(). */
export function dropKafkaRuntimeDdl(): string[] {
  return Object.values(KafkaTables)
    .reverse()
    .map((table) => `DROP TABLE IF EXISTS ${table}`);
}
