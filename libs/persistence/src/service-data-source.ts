import { DataSource, MigrationExecutor, type DataSourceOptions, type MixedList } from 'typeorm';
import { buildSchemaPoolConfig, type SchemaConnectionOptions } from './connection-settings';
import { dataSourcePool } from './data-source-pool';
import { guardPoolClients } from './pool-client-guard';
import { ensureSchema, withSchemaLock } from './schema-bootstrap';
import { TypeormLogAdapter, type StructuredLogSink } from './typeorm-log-adapter';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for classes
type ClassList = MixedList<Function | string>;

export interface ServiceDataSourceOptions extends SchemaConnectionOptions {
  /** Migration classes (or globs); they run at start, in order, each in its own transaction. */
  migrations: ClassList;
  /** Structured logger (pino) for migrations, failed and slow queries. */
  logger?: StructuredLogSink;
  /** Queries slower than this are logged as warnings (ms); default 1000. */
  slowQueryMs?: number;
  /** Default true. Tests may switch it off to inspect the schema before migrating. */
  runMigrations?: boolean;
  /**
   * statement_timeout while migrating (ms); default 0 = none, since building an index on a large table may
   * legitimately take longer than the runtime statement timeout.
   */
  migrationStatementTimeoutMs?: number;
  /** Table inside the schema that records applied migrations; default `typeorm_migrations`. */
  migrationsTableName?: string;
}

export const DEFAULT_MIGRATIONS_TABLE = 'typeorm_migrations';

/** The TypeORM options, without side effects; exposed for tooling such as the TypeORM CLI. */
export function buildServiceDataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  const poolConfig = buildSchemaPoolConfig(options);
  const { connectionString, ...extra } = poolConfig;
  return {
    type: 'postgres',
    url: connectionString,
    // Qualifies entity tables and the migrations table with the schema; search_path covers raw SQL.
    schema: options.schema,
    // No entities: services write plain, parameterized SQL through the pool (dataSourcePool); TypeORM runs the
    // migrations and owns the connections.
    entities: [],
    migrations: options.migrations,
    migrationsTableName: options.migrationsTableName ?? DEFAULT_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    dropSchema: false,
    applicationName: poolConfig.application_name,
    poolSize: poolConfig.max,
    connectTimeoutMS: poolConfig.connectionTimeoutMillis,
    maxQueryExecutionTime: options.slowQueryMs ?? 1000,
    logger: options.logger ? new TypeormLogAdapter(options.logger, options.schema) : undefined,
    logging: options.logger ? ['error', 'warn', 'migration', 'schema'] : false,
    // pg settings TypeORM has no option for (search_path binding, timeouts) go straight to the pool.
    extra,
  };
}

/**
 * A TypeORM DataSource bound to the service's own schema, initialised and migrated: the schema is created if
 * missing, migrations run under a per-schema advisory lock (so replicas starting together apply each one
 * once), and the migrations table lives inside the schema. synchronize is always off: schema changes are
 * migrations, reviewed like code.
 */
export async function createServiceDataSource(options: ServiceDataSourceOptions): Promise<DataSource> {
  const dataSource = new DataSource(buildServiceDataSourceOptions(options));
  await withSchemaLock(options.url, options.schema, async (client) => {
    await ensureSchema(client, options.schema);
    await dataSource.initialize();
    guardPoolClients(dataSourcePool(dataSource));
    if (options.runMigrations ?? true) {
      try {
        await runPendingMigrations(dataSource, options.migrationStatementTimeoutMs ?? 0);
      } catch (error) {
        await dataSource.destroy().catch(() => undefined);
        throw error;
      }
    }
  });
  return dataSource;
}

/** Runs pending migrations on one connection whose statement_timeout is lifted for the duration. */
async function runPendingMigrations(dataSource: DataSource, statementTimeoutMs: number): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.query(`SET statement_timeout = ${Math.max(0, Math.trunc(statementTimeoutMs))}`);
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    // RESET returns to the connection's startup value (the runtime statement_timeout) before pooling it again.
    await queryRunner.query('RESET statement_timeout').catch(() => undefined);
    await queryRunner.release();
  }
}
