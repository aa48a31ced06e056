import type { AuthenticatedSource } from './source';

interface CacheEntry {
  source: AuthenticatedSource | null;
  expiresAt: number;
}

/**
 * Write-key digest -> source (or "unknown", so a flood of bad keys does not become a flood of queries), for a
 * short TTL. Bounded: past maxEntries the oldest entry goes (Map keeps insertion order). Concurrent misses for
 * one key share a single lookup.
 */
export class SourceCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<AuthenticatedSource | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(digestHex: string, load: () => Promise<AuthenticatedSource | null>): Promise<AuthenticatedSource | null> {
    const hit = this.entries.get(digestHex);
    if (hit && hit.expiresAt > this.now()) return hit.source;
    const inFlight = this.pending.get(digestHex);
    if (inFlight) return inFlight;
    const loading = load().then(
      (source) => {
        this.pending.delete(digestHex);
        this.put(digestHex, source);
        return source;
      },
      (error: unknown) => {
        this.pending.delete(digestHex);
        throw error;
      },
    );
    this.pending.set(digestHex, loading);
    return loading;
  }

  /** Forget one key (a local disable or rotation takes effect at once on this instance). */
  invalidate(digestHex: string): void {
    this.entries.delete(digestHex);
  }

  /** Forget every entry of a source, whatever its key (used on disable, when the key is not at hand). */
  invalidateSource(sourceId: string): void {
    for (const [digest, entry] of this.entries) if (entry.source?.id === sourceId) this.entries.delete(digest);
  }

  private put(digestHex: string, source: AuthenticatedSource | null): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(digestHex);
    this.entries.set(digestHex, { source, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
