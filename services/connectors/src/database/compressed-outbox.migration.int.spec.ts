import { Topics } from '@tessera/contracts';
import { lockWriterLane, OutboxRowPacker, writePackedOutbox } from '@tessera/kafka';
import type { QueryRunner } from '@tessera/persistence';
import { KafkaRuntimeTables1732230000000 } from '@tessera/service-kit';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { rawRecordHeaders } from '../sync/checkpoint-batch';
import { CompressedOutbox1738000000000 } from './compressed-outbox.migration';

describe('CompressedOutbox migration (real Postgres)', () => {
  let schema: TestSchema;
  // the migrations only call query(); the schema's pool binds their search_path
  const runner = () => ({ query: (sql: string) => schema.pool.query(sql) }) as unknown as QueryRunner;
  beforeAll(async () => {
    schema = await createTestSchema('conn_compressed_outbox');
    await new KafkaRuntimeTables1732230000000().up(runner());
  });
  afterAll(() => schema.drop());

  /** One packed row of 500 records alike as a checkpoint's are, written as a checkpoint writes it; its stored form. */
  async function storedRow(): Promise<{ compression: string | null; stored: number; bytes: number }> {
    const packer = new OutboxRowPacker();
    for (let i = 0; i < 500; i++) {
      const value = Buffer.from(`{"origin":"crm/run-1/contacts","email":"user${i}@example.com","tier":"gold","mapping":{"email":"email"}}`);
      packer.add(Topics.RecordsRaw, `crm:C-${i}`, value, rawRecordHeaders(`m-${i}`));
    }
    const client = await schema.pool.connect();
    try {
      await client.query('BEGIN');
      await writePackedOutbox(client, await lockWriterLane(client, 'connection:crm'), packer.take());
      await client.query('COMMIT');
      const { rows } = await client.query<{ compression: string | null; stored: number; bytes: number }>(
        `SELECT pg_column_compression(packed) AS compression, pg_column_size(packed) AS stored, octet_length(packed) AS bytes
           FROM kafka_outbox_batches ORDER BY id DESC LIMIT 1`,
      );
      return rows[0];
    } finally {
      client.release();
    }
  }

  it("stores the connectors' packed outbox rows compressed, and back down", async () => {
    const external = await storedRow();
    expect(external.compression).toBeNull();

    await new CompressedOutbox1738000000000().up(runner());
    const compressed = await storedRow();
    expect(compressed.compression).toBe('pglz');
    expect(compressed.stored).toBeLessThan(compressed.bytes / 3);

    await new CompressedOutbox1738000000000().down(runner());
    expect((await storedRow()).compression).toBeNull();
  });
});
