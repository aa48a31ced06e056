import type { MigrationInterface } from '@tessera/persistence';

export interface DatabaseModuleOptions {
  /** Migration classes, applied in order at start inside the service's own schema. */
  migrations: Array<new () => MigrationInterface>;
  /** Connections per process, for a service that must pin it; by default DATABASE_POOL_SIZE decides. */
  poolSize?: number;
  /**
   * Default true: /readyz answers 503 while the database does not answer. False for a service that keeps doing
   * its job without it for a while (the gateway, from its source cache): the check is then reported under
   * `degraded` and readiness stays 200.
   */
  requiredForReadiness?: boolean;
}

export const DATABASE_MODULE_OPTIONS = Symbol('DATABASE_MODULE_OPTIONS');
/** The pg.Pool under the service's DataSource (search_path bound to its schema), for plain SQL and libs/kafka. */
export const SERVICE_PG_POOL = Symbol('SERVICE_PG_POOL');
