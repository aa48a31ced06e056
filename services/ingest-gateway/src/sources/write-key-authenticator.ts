import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { isTransientError } from '@tessera/kafka';
import type { Logger, Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, SERVICE_LOGGER, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import { SourceLookupMetrics } from './metrics';
import type { AuthenticatedSource } from './source';
import { SourceCache, type CachedLookup } from './source-cache';
import { SourceLookupUnavailable } from './source-lookup-unavailable';
import { SourceRepository } from './source-repository';
import { extractWriteKey } from './write-key-extractor';
import { digestsEqual, writeKeyDigest } from './write-key';

/** A warning per this long at most while the database is down (every request would log otherwise). */
const OUTAGE_LOG_EVERY_MS = 10_000;

/**
 * Resolves a request's write key to an enabled source, or throws a 401 that says what is wrong. While the
 * database is down, keys it answered for recently come from the cache (INGEST_SOURCE_CACHE_STALE_MS) and the
 * others get 503 with Retry-After.
 */
@Injectable()
export class WriteKeyAuthenticator {
  private readonly cache: SourceCache;
  private readonly metrics: SourceLookupMetrics;
  private lastOutageLog = 0;

  constructor(
    private readonly repository: SourceRepository,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.metrics = new SourceLookupMetrics(registry, options.name);
    this.cache = new SourceCache({
      ttlMs: settings.sourceCacheTtlMs,
      staleMs: settings.sourceCacheStaleMs,
      onStale: (error) => {
        this.metrics.outcomes.inc({ outcome: 'stale' });
        this.logOutage(error, 'answering known write keys from the source cache');
      },
    });
  }

  async authenticate(authorization: string | undefined, body: unknown): Promise<AuthenticatedSource> {
    const extracted = extractWriteKey(authorization, body);
    if (!extracted.ok) throw new UnauthorizedException(extracted.message);
    const source = await this.cache
      .get(extracted.writeKey, () => this.lookup(extracted.writeKey))
      .catch((error: unknown) => {
        if (!isTransientError(error)) throw error;
        this.metrics.outcomes.inc({ outcome: 'unavailable' });
        this.logOutage(error, 'answering 503 to write keys the source cache cannot answer');
        throw new SourceLookupUnavailable(this.settings.retryAfterSeconds);
      });
    if (!source) throw new UnauthorizedException('invalid write key');
    if (!source.enabled) throw new UnauthorizedException('the source of this write key is disabled');
    return source;
  }

  /** Called by the admin API so that changes take effect at once on this instance. */
  forgetKey(digest: Buffer): void {
    this.cache.invalidateDigest(digest.toString('hex'));
  }

  forgetSource(sourceId: string): void {
    this.cache.invalidateSource(sourceId);
  }

  private async lookup(writeKey: string): Promise<CachedLookup> {
    const digest = writeKeyDigest(writeKey);
    const found = await this.repository.findByKeyDigest(digest);
    // The index probe already matched; the constant-time compare keeps the check itself free of timing signals.
    const source =
      found && digestsEqual(found.digest, digest) ? { id: found.id, enabled: found.enabled, rateLimit: found.rateLimit } : null;
    return { source, digestHex: digest.toString('hex') };
  }

  private logOutage(err: unknown, what: string): void {
    const now = Date.now();
    if (now - this.lastOutageLog < OUTAGE_LOG_EVERY_MS) return;
    this.lastOutageLog = now;
    this.logger.warn({ err }, `write-key lookup failed (database unavailable?); ${what}`);
  }
}
