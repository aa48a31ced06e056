import type { AuthenticatedSource } from './source';

export interface CachedLookup {
  /** null: no source has this key (cached too, so a flood of bad keys does not become a flood of queries). */
  source: AuthenticatedSource | null;
  /** SHA-256 of the write key, hex: what admin changes invalidate by. */
  digestHex: string;
}

interface CacheEntry extends CachedLookup {
  /** When the database last answered for this credential. */
  loadedAt: number;
  /** Past this, the next request looks the key up again. */
  expiresAt: number;
}

export interface SourceCacheOptions {
  ttlMs: number;
  /**
   * Stale-if-error: when a lookup fails (the database is down), an entry loaded within this long is answered
   * instead of the error. 0: never. Bounds how long a key revoked elsewhere can keep working here during an
   * outage (no admin change can be made while the database is down, but one made just before may not have
   * reached this instance).
   */
  staleMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Told each time a stale entry answers because a lookup failed. */
  onStale?: (error: unknown) => void;
}

/** While serving stale, the database is asked again at most this often per credential. */
const STALE_RECHECK_MS = 1_000;

/**
 * Write key -> source lookup, for a short TTL, kept in this process's memory only (the database holds digests
 * only). Keyed by the key itself, so a hit costs no hashing.
 * Bounded: past maxEntries the oldest entry goes (Map keeps insertion order). Concurrent misses for one credential
 * share a single lookup. Expired entries stay (within the bound) as the last good answer for an outage.
 */
export class SourceCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<CachedLookup>>();
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: SourceCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.staleMs = options.staleMs ?? 0;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async get(credential: string, load: () => Promise<CachedLookup>): Promise<AuthenticatedSource | null> {
    const hit = this.entries.get(credential);
    if (hit && hit.expiresAt > this.now()) return hit.source;
    let loading = this.pending.get(credential);
    if (!loading) {
      loading = load().finally(() => this.pending.delete(credential));
      this.pending.set(credential, loading);
      void loading.then(
        (lookup) => this.put(credential, lookup),
        () => undefined,
      );
    }
    try {
      return (await loading).source;
    } catch (error) {
      const stale = this.entries.get(credential);
      if (!stale || this.now() - stale.loadedAt > this.ttlMs + this.staleMs || this.staleMs <= 0) throw error;
      stale.expiresAt = this.now() + Math.min(STALE_RECHECK_MS, this.ttlMs);
      this.options.onStale?.(error);
      return stale.source;
    }
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
    const now = this.now();
    this.entries.delete(credential);
    this.entries.set(credential, { ...lookup, loadedAt: now, expiresAt: now + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
