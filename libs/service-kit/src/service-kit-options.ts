import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/** What every service passes to bootstrapService; anything left out is read from the environment. */
export interface ServiceKitOptions {
  /** The service's catalog name, e.g. "ingest-gateway". */
  name: string;
  /** HTTP port; 0 picks a free one (tests). Defaults to PORT, then the catalog port. */
  port?: number;
  /** Interface to bind; defaults to HOST, then 0.0.0.0. */
  host?: string;
  /** Bearer token for admin APIs; defaults to TESSERA_ADMIN_TOKEN. Empty disables admin APIs (fail closed). */
  adminToken?: string;
  /** Upper bound for graceful shutdown before the process exits anyway; defaults to SHUTDOWN_TIMEOUT_MS. */
  shutdownTimeoutMs?: number;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /** One-line description shown in the OpenAPI document. */
  description?: string;
  logger?: Logger;
  registry?: Registry;
  /** Install SIGTERM/SIGINT handlers (default true; tests that close the app themselves pass false). */
  handleSignals?: boolean;
}

/** The options after defaults are applied; injected as SERVICE_KIT_OPTIONS. */
export interface ResolvedServiceKitOptions {
  name: string;
  port: number;
  host: string;
  adminToken: string;
  shutdownTimeoutMs: number;
  version: string;
  description: string;
  logger: Logger;
  registry: Registry;
  handleSignals: boolean;
}

export const SERVICE_KIT_OPTIONS = Symbol('SERVICE_KIT_OPTIONS');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
