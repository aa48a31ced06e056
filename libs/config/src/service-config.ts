import type { CleanedEnv } from 'envalid';
import { optionalTokenVariables, resolveApiTokens, serviceTokenSpec, withoutEmptyValues } from './api-tokens';
import { ConfigValidationError } from './config-validation.error';
import { collectEnvironment, type EnvSource, type EnvSpec } from './environment-validation';
import { getServiceDescriptor, type ServiceDescriptor, type ServiceName } from './service-catalog';
import { sharedEnvironmentSpec, type LogLevel, type NodeEnv, type SharedEnvironmentSpec } from './shared-environment';

export interface ServiceConfig<S extends EnvSpec = Record<never, never>> {
  readonly service: ServiceDescriptor;
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly logLevel: LogLevel;
  readonly port: number;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    /** Messages per consumer transaction (KAFKA_CONSUMER_SLICE_MESSAGES). */
    readonly sliceMessages: number;
    /** Bytes fetched per partition per request (KAFKA_CONSUMER_FETCH_BYTES). */
    readonly fetchBytes: number;
    /** A caught-up consumer's shortest round, fetch to fetch (KAFKA_CONSUMER_LINGER_MS). */
    readonly lingerMs: number;
    /** How long a killed member keeps its partitions (KAFKA_CONSUMER_SESSION_TIMEOUT_MS). */
    readonly sessionTimeoutMs: number;
  };
  readonly database: { readonly url: string; readonly schema: string; readonly poolSize: number; readonly statementTimeoutMs: number };
  /** `<SERVICE>_ADMIN_TOKEN`, else TESSERA_ADMIN_TOKEN, else (outside production) a random per-process token. */
  readonly adminToken: string;
  /** 'generated' outside production when no admin token variable is set: a random per-process token. */
  readonly adminTokenSource: 'environment' | 'generated';
  /** Accepted on GET and HEAD routes only: `<SERVICE>_READ_TOKEN`, else TESSERA_READ_TOKEN; undefined when neither is set. */
  readonly readToken: string | undefined;
  readonly shutdownTimeoutMs: number;
  /** Every validated variable by its environment name, including the service's own (extraSpec) ones. */
  readonly env: CleanedEnv<SharedEnvironmentSpec & S>;
}

/**
 * Reads and validates the shared variables plus the service's own (`extraSpec`, built with this lib's
 * validators). Throws ConfigValidationError naming every bad variable; call it first thing in main.ts so a
 * wrong value stops the service before it touches Kafka or Postgres.
 */
export function loadServiceConfig<S extends EnvSpec = Record<never, never>>(
  serviceName: ServiceName,
  extraSpec?: S,
  source: EnvSource = process.env,
): ServiceConfig<S> {
  const service = getServiceDescriptor(serviceName);
  const shared = { ...sharedEnvironmentSpec(service), ...serviceTokenSpec(service) };
  const clash = Object.keys(extraSpec ?? {}).filter((name) => name in shared);
  if (clash.length > 0) throw new Error(`extraSpec redefines shared variables: ${clash.join(', ')}`);

  // envalid applies devDefaults only when NODE_ENV is set, so the documented default has to be filled in first.
  const effectiveSource: EnvSource = {
    ...withoutEmptyValues(source, optionalTokenVariables(service)),
    NODE_ENV: source.NODE_ENV ?? 'development',
  };
  const { env, issues } = collectEnvironment({ ...shared, ...(extraSpec as S) }, effectiveSource);
  const { tokens, issues: tokenIssues } = resolveApiTokens(service, env, env.NODE_ENV === 'production');
  issues.push(...tokenIssues);
  if (issues.length > 0) throw new ConfigValidationError(issues);

  return {
    service,
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    port: env.PORT,
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      sliceMessages: env.KAFKA_CONSUMER_SLICE_MESSAGES,
      fetchBytes: env.KAFKA_CONSUMER_FETCH_BYTES,
      lingerMs: env.KAFKA_CONSUMER_LINGER_MS,
      sessionTimeoutMs: env.KAFKA_CONSUMER_SESSION_TIMEOUT_MS,
    },
    database: {
      url: env.DATABASE_URL,
      schema: env.DATABASE_SCHEMA,
      poolSize: env.DATABASE_POOL_SIZE,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    adminToken: tokens.adminToken,
    adminTokenSource: tokens.adminTokenSource,
    readToken: tokens.readToken,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    env: env as CleanedEnv<SharedEnvironmentSpec & S>,
  };
}

/**
 * For main.ts: like loadServiceConfig, but a validation error is printed as one line on stderr and the process
 * exits with status 1 instead of dumping a stack trace.
 */
export function loadServiceConfigOrExit<S extends EnvSpec = Record<never, never>>(
  serviceName: ServiceName,
  extraSpec?: S,
  source: EnvSource = process.env,
): ServiceConfig<S> {
  try {
    return loadServiceConfig(serviceName, extraSpec, source);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
