import { serviceTokenSpec } from './api-tokens';
import type { ServiceDescriptor } from './service-catalog';
import { durationMs, hostPortList, int, oneOf, port, postgresUrl, sqlIdentifier, str, token } from './env-validators';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Matches the password the dev stack and jest give the embedded Postgres (libs/testing/src/embedded-pg.js). */
export const DEV_DATABASE_URL = 'postgres://postgres:tessera@127.0.0.1:5432/postgres';
export const DEFAULT_KAFKA_BROKERS = 'localhost:9092';

/**
 * The variables every service reads. Defaults that would be unsafe in production (a well-known database
 * password) are devDefaults, which envalid applies only outside production.
 */
export function sharedEnvironmentSpec(service: ServiceDescriptor) {
  return {
    NODE_ENV: oneOf(NODE_ENVS)({ default: 'development', desc: 'development, test or production' }),
    LOG_LEVEL: oneOf(LOG_LEVELS)({ default: 'info', testDefault: 'warn', desc: 'pino log level' }),
    PORT: port({ default: service.defaultPort, desc: 'HTTP port for the API, /metrics, /healthz and /readyz' }),
    KAFKA_BROKERS: hostPortList({ default: [DEFAULT_KAFKA_BROKERS], desc: 'comma-separated Kafka bootstrap brokers' }),
    KAFKA_CLIENT_ID: str({ default: service.name, desc: 'Kafka client id' }),
    KAFKA_CONSUMER_SLICE_MESSAGES: int(
      1,
      100_000,
    )({ default: 2_000, desc: 'messages per consumer transaction (one Postgres transaction each)' }),
    KAFKA_CONSUMER_FETCH_BYTES: int(
      1_024,
      256 * 1_048_576,
    )({ default: 4 * 1_048_576, desc: 'bytes a consumer fetches per partition per request' }),
    KAFKA_CONSUMER_LINGER_MS: durationMs(
      0,
      1_000,
    )({ default: 20, desc: 'a caught-up consumer fetches again no sooner than this after its last fetch; 0 turns it off' }),
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: durationMs(
      1_000,
      1_800_000,
    )({
      default: 10_000,
      desc: "how long a consumer that stopped heartbeating (killed) keeps its partitions; within the broker's group.min/max.session.timeout.ms",
    }),
    DATABASE_URL: postgresUrl({ devDefault: DEV_DATABASE_URL, desc: 'PostgreSQL connection URL' }),
    DATABASE_SCHEMA: sqlIdentifier({ default: service.schema, desc: 'Postgres schema this service owns' }),
    DATABASE_POOL_SIZE: int(1, 500)({ default: 10, desc: 'Postgres connections per process' }),
    DATABASE_STATEMENT_TIMEOUT_MS: int(0, 3_600_000)({ default: 30_000, desc: 'server-side cap per SQL statement; 0 disables' }),
    TESSERA_ADMIN_TOKEN: token({ default: undefined, desc: 'bearer token for the admin APIs; required in production' }),
    TESSERA_READ_TOKEN: token({ default: undefined, desc: 'read-only bearer token: GET and HEAD routes only; unset or empty disables it' }),
    SHUTDOWN_TIMEOUT_MS: durationMs(100, 600_000)({ default: 10_000, desc: 'grace period for draining on SIGTERM' }),
  };
}

export type SharedEnvironmentSpec = ReturnType<typeof sharedEnvironmentSpec>;
export type SharedVariableName = keyof SharedEnvironmentSpec;

/** Documentation rows for README and the deploy-file test: what each shared variable means and defaults to. */
export interface EnvironmentVariableDoc {
  readonly name: string;
  readonly description: string;
  /** Printable default in every environment; undefined when there is none. */
  readonly defaultValue?: string;
  /** Printable default outside production only (development and test). */
  readonly developmentDefault?: string;
  readonly requiredInProduction: boolean;
}

function printable(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** Documentation rows for any spec built with this lib's validators, in declaration order. */
export function describeEnvironmentSpec(spec: object): EnvironmentVariableDoc[] {
  return Object.entries(spec as Record<string, { desc?: string; default?: unknown; devDefault?: unknown }>).map(([name, variable]) => ({
    name,
    description: variable.desc ?? '',
    defaultValue: printable(variable.default),
    developmentDefault: printable(variable.devDefault),
    // The admin token is optional to envalid (a dev token is generated) but checked for production in api-tokens.ts.
    requiredInProduction: name === 'TESSERA_ADMIN_TOKEN' || !('default' in variable),
  }));
}

/** The shared variables, then the service's own token overrides (`<SERVICE>_ADMIN_TOKEN`, `<SERVICE>_READ_TOKEN`). */
export function describeSharedEnvironment(service: ServiceDescriptor): EnvironmentVariableDoc[] {
  return describeEnvironmentSpec({ ...sharedEnvironmentSpec(service), ...serviceTokenSpec(service) });
}

/** The shared variable names, in documentation order (deploy files must set or knowingly default each). */
export const SHARED_VARIABLE_NAMES = Object.keys(
  sharedEnvironmentSpec({ name: 'any', defaultPort: 1, schema: 'any', description: '' }),
) as readonly SharedVariableName[];
