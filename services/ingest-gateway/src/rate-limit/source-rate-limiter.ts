import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_KIT_OPTIONS, type ResolvedServiceKitOptions } from '@tessera/service-kit';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import type { AuthenticatedSource } from '../sources/source';
import { RateLimitMetrics } from './metrics';
import { TokenBucket } from './token-bucket';

/** Thrown as a 429; the caller sets Retry-After from `retryAfterSeconds`. */
export class RateLimitExceeded extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    limit: { eventsPerSecond: number; burst: number },
  ) {
    super(
      `rate limit exceeded: this source may send ${limit.eventsPerSecond} events/s (bursts up to ${limit.burst}); retry after ${retryAfterSeconds} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * One token bucket per source, in this process (each gateway instance enforces the limit on its own share of the
 * traffic). A source's override, when set, replaces the configured default.
 */
@Injectable()
export class SourceRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly metrics: RateLimitMetrics;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SERVICE_KIT_OPTIONS) options: ResolvedServiceKitOptions,
  ) {
    this.metrics = new RateLimitMetrics(registry, options.name);
  }

  /** Charges `events` to the source, or throws RateLimitExceeded. */
  charge(source: AuthenticatedSource, events: number): void {
    const limit = source.rateLimit ?? this.settings.rateLimit;
    if (limit.eventsPerSecond <= 0 && source.rateLimit === null) return; // 0 as the default disables limiting
    let bucket = this.buckets.get(source.id);
    if (!bucket) {
      bucket = new TokenBucket(limit.eventsPerSecond, limit.burst);
      this.buckets.set(source.id, bucket);
    } else {
      bucket.reconfigure(limit.eventsPerSecond, limit.burst);
    }
    const waitSeconds = bucket.take(events);
    if (waitSeconds === 0) return;
    this.metrics.limitedRequests.inc({ source_id: source.id });
    throw new RateLimitExceeded(Number.isFinite(waitSeconds) ? Math.max(1, Math.ceil(waitSeconds)) : 60, limit);
  }
}
