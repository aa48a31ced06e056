import type { MigrationInterface, QueryRunner } from '@tessera/persistence';

/**
 * This service's outbox rows are compressed (TOAST's default storage), unlike the runtime's default (kafka-tables.ddl.ts,
 * STORAGE EXTERNAL). A connector's packed row holds 500 records of one run and stream, which share their mapping,
 * origin, headers and most of their keys: pglz stores one in about a seventh of its bytes (~95 against ~700 per
 * record), so a 1,000,000-row sync writes ~100 MiB of WAL and TOAST instead of ~650, for the same CPU per insert
 * (docs/benchmarks.md, "Connectors: compressed outbox rows").
 */
export class CompressedOutbox1738000000000 implements MigrationInterface {
  name = 'CompressedOutbox1738000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE kafka_outbox_batches ALTER COLUMN packed SET STORAGE EXTENDED');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE kafka_outbox_batches ALTER COLUMN packed SET STORAGE EXTERNAL');
  }
}
