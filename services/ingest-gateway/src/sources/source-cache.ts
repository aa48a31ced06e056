import type { AuthenticatedSource } from './source';

export interface CachedLookup {
  /** null: no source has this key (cached too, so a flood of bad keys does not become a flood of queries). */
  source: AuthenticatedSource | null;
  /** SHA-256 of the write key, hex: what admin changes invalidate by. */
  digestHex: string;
}

interface CacheEntry extends CachedLookup {
  expiresAt: number;
}

/**
 * Write key -> source lookup, for a short TTL, kept in this process's memory only (the database holds digests
 * only). Keyed by the key itself, so a hit costs no hashing.
 * Bounded: past maxEntries the oldest entry goes (Map keeps insertion order). Concurrent misses for one credential
 * share a single lookup.
 */
export class SourceCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<CachedLookup>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(credential: string, load: () => Promise<CachedLookup>): Promise<AuthenticatedSource | null> {
    const hit = this.entries.get(credential);
    if (hit && hit.expiresAt > this.now()) return hit.source;
    let loading = this.pending.get(credential);
    if (!loading) {
      loading = load().finally(() => this.pending.delete(credential));
      this.pending.set(credential, loading);
      void loading.then((lookup) => this.put(credential, lookup), () => undefined);
    }
    return (await loading).source;
  }

  /** Forget every credential of one write key (a local rotation takes effect at once on this instance). */
  invalidateDigest(digestHex: string): void {
    for (const [credential, entry] of this.entries) if (entry.digestHex === digestHex) this.entries.delete(credential);
  }

  /** Forget every entry of a source, whatever its key (used on disable and rate-limit changes). */
  invalidateSource(sourceId: string): void {
    for (const [credential, entry] of this.entries) if (entry.source?.id === sourceId) this.entries.delete(credential);
  }

  private put(credential: string, lookup: CachedLookup): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(credential);
    this.entries.set(credential, { ...lookup, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
