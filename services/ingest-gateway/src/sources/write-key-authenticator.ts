import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../config/gateway-settings';
import type { AuthenticatedSource } from './source';
import { SourceCache, type CachedLookup } from './source-cache';
import { SourceRepository } from './source-repository';
import { extractWriteKey } from './write-key-extractor';
import { digestsEqual, writeKeyDigest } from './write-key';

/** Resolves a request's write key to an enabled source, or throws a 401 that says what is wrong. */
@Injectable()
export class WriteKeyAuthenticator {
  private readonly cache: SourceCache;

  constructor(
    private readonly repository: SourceRepository,
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
  ) {
    this.cache = new SourceCache(settings.sourceCacheTtlMs);
  }

  async authenticate(authorization: string | undefined, body: unknown): Promise<AuthenticatedSource> {
    const extracted = extractWriteKey(authorization, body);
    if (!extracted.ok) throw new UnauthorizedException(extracted.message);
    const source = await this.cache.get(extracted.writeKey, () => this.lookup(extracted.writeKey));
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
    const source = found && digestsEqual(found.digest, digest) ? { id: found.id, enabled: found.enabled, rateLimit: found.rateLimit } : null;
    return { source, digestHex: digest.toString('hex') };
  }
}
