import { loadServiceConfig, type ServiceName } from '@tessera/config';
import { createLogger } from '@tessera/observability';
import type { HttpServerTimeouts } from './http/http-server-hardening';
import { bootstrapService, type RunningService, type ServiceAppModule } from './bootstrap-service';

export interface TestServiceOptions {
  /** Postgres URL (e.g. the jest embedded Postgres) and a fresh schema for this run. */
  databaseUrl: string;
  schema: string;
  /** Comma-separated host:port list, e.g. of the embedded test broker. */
  kafkaBrokers: string;
  adminToken?: string;
  /** The read-only (GET) token; none by default. */
  readToken?: string;
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** The HTTP server's timeouts, as main.ts would pass them (e.g. from the service's own variables). */
  httpTimeouts?: Partial<HttpServerTimeouts>;
}

/**
 * Starts a catalog service in-process the way main.ts does, but on a free port, against the given schema,
 * without signal handlers, so a test can run several and close each itself.
 */
export async function startServiceForTest(
  appModule: ServiceAppModule,
  name: ServiceName,
  options: TestServiceOptions,
): Promise<RunningService> {
  const config = loadServiceConfig(name, undefined, {
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    TESSERA_ADMIN_TOKEN: options.adminToken ?? 'test-admin-token',
    TESSERA_READ_TOKEN: options.readToken,
    KAFKA_BROKERS: options.kafkaBrokers,
    LOG_LEVEL: options.logLevel ?? 'warn',
  });
  return bootstrapService(appModule, {
    name,
    config,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ service: name, level: config.logLevel }),
    handleSignals: false,
    httpTimeouts: options.httpTimeouts,
  });
}
