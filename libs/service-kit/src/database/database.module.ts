import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceConfig } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import { createServiceDataSource, dataSourcePool, type DataSource, type Pool } from '@tessera/persistence';
import { SERVICE_CONFIG, SERVICE_LOGGER } from '../service-kit-options';
import { DatabaseLifecycle } from './database-lifecycle';
import { DATABASE_MODULE_OPTIONS, DatabaseModuleOptions, SERVICE_PG_POOL } from './database-module-options';
import { SERVICE_DATA_SOURCE } from './service-data-source.token';

/**
 * The service's own Postgres schema: DATABASE_URL, DATABASE_SCHEMA, DATABASE_POOL_SIZE and
 * DATABASE_STATEMENT_TIMEOUT_MS from the validated config, the schema
 * created if missing and every migration applied before the app listens (so /readyz never reports ready on
 * an unmigrated schema). Global: feature modules inject SERVICE_DATA_SOURCE or SERVICE_PG_POOL.
 */
@Module({})
export class DatabaseModule {
  static forService(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        { provide: DATABASE_MODULE_OPTIONS, useValue: options },
        {
          provide: SERVICE_DATA_SOURCE,
          inject: [SERVICE_CONFIG, SERVICE_LOGGER],
          useFactory: (config: ServiceConfig | undefined, logger: Logger): Promise<DataSource> => {
            if (!config) throw new Error('DatabaseModule needs the service configuration (DATABASE_URL, DATABASE_SCHEMA)');
            return createServiceDataSource({
              url: config.database.url,
              schema: config.database.schema,
              migrations: options.migrations,
              poolSize: options.poolSize ?? config.database.poolSize,
              statementTimeoutMs: config.database.statementTimeoutMs,
              applicationName: `tessera:${config.service.name}`,
              logger,
            });
          },
        },
        {
          provide: SERVICE_PG_POOL,
          inject: [SERVICE_DATA_SOURCE],
          // Sharing the DataSource's own pool avoids a second pool (and a second schema binding) per process.
          useFactory: (dataSource: DataSource): Pool => dataSourcePool(dataSource),
        },
        DatabaseLifecycle,
      ],
      exports: [SERVICE_DATA_SOURCE, SERVICE_PG_POOL],
    };
  }
}
