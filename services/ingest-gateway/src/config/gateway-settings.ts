import { GATEWAY_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';

// GATEWAY_ENV_SPEC lives in @tessera/config so the deploy-file test can hold compose and k8s to it.

export interface GatewaySettings {
  ackTimeoutMs: number;
  retryAfterSeconds: number;
  rateLimit: { eventsPerSecond: number; burst: number };
  sourceCacheTtlMs: number;
  /** How long after its last successful lookup a write key is still served while the database is down. */
  sourceCacheStaleMs: number;
  devWriteKey: string | undefined;
}

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
  };
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
