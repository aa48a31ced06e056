import type { Pool } from 'pg';
import { kafkaRuntimeDdl } from '../kafka-tables.ddl';

/** Creates the Kafka tables plus a test's own tables in the schema the pool is bound to (see createTestSchema). */
export async function installKafkaTables(pool: Pool, extraDdl: string[] = []): Promise<void> {
  for (const statement of [...kafkaRuntimeDdl(), ...extraDdl]) await pool.query(statement);
}
