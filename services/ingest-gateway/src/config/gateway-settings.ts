import { durationMs, int, str, validateEnvironment, type EnvSource } from '@tessera/config';

/** The gateway's own environment variables, validated at start (main.ts passes them to loadServiceConfigOrExit). */
export const GATEWAY_ENV_SPEC = {
  INGEST_ACK_TIMEOUT_MS: durationMs(100, 120_000)({
    default: 10_000,
    desc: 'how long a request waits for the broker to acknowledge its events before answering 503',
  }),
  INGEST_RETRY_AFTER_SECONDS: int(1, 3600)({ default: 5, desc: 'Retry-After sent with a 503 when the broker is unavailable' }),
  INGEST_RATE_LIMIT_EVENTS_PER_SECOND: int(0, 10_000_000)({
    default: 20_000,
    desc: 'default per-source sustained rate (token refill, events/s); 0 disables rate limiting',
  }),
  INGEST_RATE_LIMIT_BURST: int(1, 100_000_000)({ default: 40_000, desc: 'default per-source bucket size (events)' }),
  INGEST_SOURCE_CACHE_TTL_MS: durationMs(0, 600_000)({
    default: 10_000,
    desc: 'how long a write-key lookup is cached; a disabled or rotated key stops working on other instances within it',
  }),
  TESSERA_DEV_WRITE_KEY: str({ default: '', desc: 'when set, a source with id "dev" and this write key is created or updated at start' }),
};

export interface GatewaySettings {
  ackTimeoutMs: number;
  retryAfterSeconds: number;
  rateLimit: { eventsPerSecond: number; burst: number };
  sourceCacheTtlMs: number;
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
    devWriteKey: env.TESSERA_DEV_WRITE_KEY || undefined,
  };
}

export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
