import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { kafkaTablesDdl } from '../kafka-tables.ddl';

/** A throwaway schema holding the Kafka tables (plus whatever `extraDdl` adds), and a pool bound to it. */
export interface KafkaTestSchema {
  readonly url: string;
  readonly schema: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.TESSERA_TEST_DATABASE_URL;
  if (!url) throw new Error('TESSERA_TEST_DATABASE_URL is not set (jest global setup starts the embedded Postgres)');
  return url;
}

export async function createKafkaTestSchema(extraDdl: string[] = [], url = testDatabaseUrl()): Promise<KafkaTestSchema> {
  const schema = `kafka_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const pool = new Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 8 });
  pool.on('error', () => undefined);
  for (const statement of [...kafkaTablesDdl(), ...extraDdl]) await pool.query(statement);
  return {
    url,
    schema,
    pool,
    async drop() {
      await pool.end();
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
