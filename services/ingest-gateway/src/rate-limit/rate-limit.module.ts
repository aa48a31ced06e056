import { Module } from '@nestjs/common';
import { SourceRateLimiter } from './source-rate-limiter';

/** Per-source token buckets (429 with Retry-After). */
@Module({ providers: [SourceRateLimiter], exports: [SourceRateLimiter] })
export class RateLimitModule {}
