import pino from 'pino';
import { Registry } from 'prom-client';
import type { ResolvedServiceKitOptions, ServiceKitOptions } from './service-kit-options';

// TEMPORARY until @tessera/config and @tessera/observability export their env loader, logger and registry factory.
export function resolveServiceKitOptions(input: ServiceKitOptions): ResolvedServiceKitOptions {
  const env = process.env;
  return {
    name: input.name,
    port: input.port ?? Number(env.PORT ?? 0),
    host: input.host ?? env.HOST ?? '0.0.0.0',
    adminToken: input.adminToken ?? env.TESSERA_ADMIN_TOKEN ?? '',
    shutdownTimeoutMs: input.shutdownTimeoutMs ?? Number(env.SHUTDOWN_TIMEOUT_MS ?? 10000),
    version: input.version ?? '0.1.0',
    description: input.description ?? input.name,
    logger: input.logger ?? pino({ name: input.name }),
    registry: input.registry ?? new Registry(),
    handleSignals: input.handleSignals ?? true,
  };
}
