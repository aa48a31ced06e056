import { durationMs, int, str } from '../env-validators';

/**
 * ingest-gateway's own variables, on top of the shared ones. They live here, not in the service, so the deploy-file
 * test (tools may not import services) can hold docker-compose.yml and deploy/k8s to them.
 */
export const GATEWAY_ENV_SPEC = {
  INGEST_ACK_TIMEOUT_MS: durationMs(
    100,
    120_000,
  )({
    default: 10_000,
    desc: 'how long a request waits for the broker to acknowledge its events before answering 503',
  }),
  INGEST_RETRY_AFTER_SECONDS: int(1, 3600)({ default: 5, desc: 'Retry-After sent with a 503 when the broker is unavailable' }),
  INGEST_RATE_LIMIT_EVENTS_PER_SECOND: int(
    0,
    10_000_000,
  )({
    default: 20_000,
    desc: 'default per-source sustained rate (token refill, events/s); 0 disables rate limiting',
  }),
  INGEST_RATE_LIMIT_BURST: int(1, 100_000_000)({ default: 40_000, desc: 'default per-source bucket size (events)' }),
  INGEST_SOURCE_CACHE_STALE_MS: durationMs(
    0,
    7 * 86_400_000,
  )({
    default: 3_600_000,
    desc: 'while the database does not answer, a write key looked up successfully within this long is still served from the cache (0: never); other keys get 503',
  }),
  INGEST_SOURCE_CACHE_TTL_MS: durationMs(
    0,
    600_000,
  )({
    default: 10_000,
    desc: 'how long a write-key lookup is cached; a disabled or rotated key stops working on other instances within it',
  }),
  INGEST_REQUEST_TIMEOUT_MS: durationMs(
    100,
    600_000,
  )({
    default: 30_000,
    desc: 'a request whose headers and body have not all arrived this long after its first byte is answered 408 and its connection closed',
  }),
  INGEST_HEADERS_TIMEOUT_MS: durationMs(
    100,
    600_000,
  )({
    default: 10_000,
    desc: 'a request whose headers have not all arrived this long after its first byte is answered 408 (capped at INGEST_REQUEST_TIMEOUT_MS)',
  }),
  INGEST_KEEP_ALIVE_TIMEOUT_MS: durationMs(
    100,
    600_000,
  )({
    default: 65_000,
    desc: 'a keep-alive connection idle this long between requests is closed; keep it above the idle timeout of a load balancer in front',
  }),
  TESSERA_DEV_WRITE_KEY: str({ default: '', desc: 'when set, a source with id "dev" and this write key is created or updated at start' }),
};
