import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@tessera/observability';
import type { DataSource } from '@tessera/persistence';
import { ReadinessRegistry } from '../health/readiness-registry';
import { SERVICE_LOGGER } from '../service-kit-options';
import { DATABASE_MODULE_OPTIONS, type DatabaseModuleOptions } from './database-module-options';
import { SERVICE_DATA_SOURCE } from './service-data-source.token';

/**
 * Registers the `database` readiness check and closes the pool last: onApplicationShutdown runs after
 * consumers stopped and HTTP drained, so nothing still needs a connection.
 */
@Injectable()
export class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(SERVICE_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(DATABASE_MODULE_OPTIONS) options: DatabaseModuleOptions,
    readiness: ReadinessRegistry,
  ) {
    readiness.register(
      'database',
      async () => {
        await this.dataSource.query('SELECT 1');
      },
      { required: options.requiredForReadiness ?? true },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.destroy();
    this.logger.info('database pool closed');
  }
}
