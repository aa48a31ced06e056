import type { ServiceConfig } from '@tessera/config';
import type { Logger } from '@tessera/observability';
import type { Registry } from 'prom-client';
import type { HttpServerTimeouts } from './http/http-server-hardening';

/** What a service passes to bootstrapService; anything left out comes from its validated configuration. */
export interface ServiceKitOptions {
  /** The service's catalog name, e.g. "ingest-gateway". */
  name: string;
  /**
   * The validated environment. Defaults to loadServiceConfigOrExit(name, SERVICE_ENVIRONMENTS[name].spec) for
   * catalog services (shared and the service's own variables), so a wrong
   * variable stops the process with a message naming it. Fixtures outside the catalog pass explicit options.
   */
  config?: ServiceConfig;
  /** HTTP port; 0 picks a free one (tests). Defaults to PORT, then the catalog port. */
  port?: number;
  /** Interface to bind; defaults to 0.0.0.0 (containers). */
  host?: string;
  /** Bearer token for every protected route; defaults to <SERVICE>_ADMIN_TOKEN, then TESSERA_ADMIN_TOKEN. Empty disables it (fail closed). */
  adminToken?: string;
  /** Bearer token for GET and HEAD routes only; defaults to <SERVICE>_READ_TOKEN, then TESSERA_READ_TOKEN. Empty disables it. */
  readToken?: string;
  /** Upper bound for graceful shutdown before the process exits anyway; defaults to SHUTDOWN_TIMEOUT_MS. */
  shutdownTimeoutMs?: number;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /** One-line description shown in the OpenAPI document; defaults to the catalog description. */
  description?: string;
  logger?: Logger;
  registry?: Registry;
  /** Install SIGTERM/SIGINT handlers (default true; tests that close the app themselves pass false). */
  handleSignals?: boolean;
  /** How long the HTTP server waits for slow or idle clients; each one left out is DEFAULT_HTTP_TIMEOUTS'. */
  httpTimeouts?: Partial<HttpServerTimeouts>;
}

/** The options after defaults are applied; injected as SERVICE_KIT_OPTIONS. */
export interface ResolvedServiceKitOptions {
  name: string;
  /** Present for catalog services; feature modules read Kafka and database settings from it (SERVICE_CONFIG). */
  config: ServiceConfig | undefined;
  port: number;
  host: string;
  adminToken: string;
  readToken: string;
  shutdownTimeoutMs: number;
  version: string;
  description: string;
  logger: Logger;
  registry: Registry;
  handleSignals: boolean;
  httpTimeouts: HttpServerTimeouts;
}

export const SERVICE_KIT_OPTIONS = Symbol('SERVICE_KIT_OPTIONS');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
