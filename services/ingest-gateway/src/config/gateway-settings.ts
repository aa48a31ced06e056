import { GATEWAY_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';
import type { HttpServerTimeouts } from '@tessera/service-kit';

// GATEWAY_ENV_SPEC lives in @tessera/config so the deploy-file test can hold compose and k8s to it.

export interface GatewaySettings {
  ackTimeoutMs: number;
  retryAfterSeconds: number;
  rateLimit: { eventsPerSecond: number; burst: number };
  sourceCacheTtlMs: number;
  /** How long after its last successful lookup a write key is still served while the database is down. */
  sourceCacheStaleMs: number;
  devWriteKey: string | undefined;
  http: HttpServerTimeouts;
}

/**
 * Socket inactivity allowed on top of the request and acknowledgement timeouts before the socket is closed. It is a
 * backstop only: a client still sending is cut off by the request timeout (408), an idle one by the keep-alive
 * timeout; what stays silent legitimately is a handler waiting on the database and the broker.
 */
const CONNECTION_TIMEOUT_MARGIN_MS = 30_000;

/** Throws ConfigValidationError naming every bad variable. */
export function loadGatewaySettings(source: EnvSource = process.env): GatewaySettings {
  const env = validateEnvironment(GATEWAY_ENV_SPEC, source);
  return {
    ackTimeoutMs: env.INGEST_ACK_TIMEOUT_MS,
    retryAfterSeconds: env.INGEST_RETRY_AFTER_SECONDS,
    rateLimit: { eventsPerSecond: env.INGEST_RATE_LIMIT_EVENTS_PER_SECOND, burst: env.INGEST_RATE_LIMIT_BURST },
    sourceCacheTtlMs: env.INGEST_SOURCE_CACHE_TTL_MS,
    sourceCacheStaleMs: env.INGEST_SOURCE_CACHE_STALE_MS,
    devWriteKey: env.TESSERA_DEV_WRITE_KEY || undefined,
    http: {
      requestTimeoutMs: env.INGEST_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: Math.min(env.INGEST_HEADERS_TIMEOUT_MS, env.INGEST_REQUEST_TIMEOUT_MS),
      keepAliveTimeoutMs: env.INGEST_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: env.INGEST_REQUEST_TIMEOUT_MS + env.INGEST_ACK_TIMEOUT_MS + CONNECTION_TIMEOUT_MARGIN_MS,
    },
  };
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
