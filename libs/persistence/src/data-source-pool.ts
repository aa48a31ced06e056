import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg.Pool inside a DataSource from createServiceDataSource, so raw-SQL code (the Kafka exactly-once
 * transactions, unnest writes) shares its connections and schema binding instead of opening a second pool.
 * TypeORM keeps it as the postgres driver's `master`; this is the one place that knows.
 */
export function dataSourcePool(dataSource: DataSource): Pool {
  if (!dataSource.isInitialized) throw new Error('dataSourcePool: the DataSource is not initialised');
  const master = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!master || typeof master.connect !== 'function') throw new Error('dataSourcePool: not a postgres DataSource');
  return master;
}
