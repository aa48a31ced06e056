import { isServiceName, loadServiceConfigOrExit, SERVICE_ENVIRONMENTS, type ServiceConfig } from '@tessera/config';
import { createLogger, createMetricsRegistry } from '@tessera/observability';
import { DEFAULT_HTTP_TIMEOUTS } from './http/http-server-hardening';
import type { ResolvedServiceKitOptions, ServiceKitOptions } from './service-kit-options';

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Explicit options win over the validated environment; the environment wins over built-in defaults. */
export function resolveServiceKitOptions(input: ServiceKitOptions): ResolvedServiceKitOptions {
  // A catalog service's own variables (libs/config SERVICE_ENVIRONMENTS) are validated with the shared ones.
  const config: ServiceConfig | undefined =
    input.config ?? (isServiceName(input.name) ? loadServiceConfigOrExit(input.name, SERVICE_ENVIRONMENTS[input.name].spec) : undefined);
  const logger = input.logger ?? createLogger({ service: input.name, level: config?.logLevel });
  if (config?.adminTokenSource === 'generated' && input.adminToken === undefined) {
    logger.warn(
      'TESSERA_ADMIN_TOKEN is not set: protected routes accept only a random admin token generated for this process (or TESSERA_READ_TOKEN on GET)',
    );
  }
  return {
    name: input.name,
    config,
    port: input.port ?? config?.port ?? 0,
    host: input.host ?? '0.0.0.0',
    adminToken: input.adminToken ?? config?.adminToken ?? '',
    readToken: input.readToken ?? config?.readToken ?? '',
    shutdownTimeoutMs: input.shutdownTimeoutMs ?? config?.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    version: input.version ?? '0.1.0',
    description: input.description ?? config?.service.description ?? input.name,
    logger,
    registry: input.registry ?? createMetricsRegistry(input.name),
    handleSignals: input.handleSignals ?? true,
    httpTimeouts: { ...DEFAULT_HTTP_TIMEOUTS, ...definedOnly(input.httpTimeouts ?? {}) },
  };
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
