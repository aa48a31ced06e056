import { SourceCache } from './source-cache';

describe('SourceCache', () => {
  const source = { id: 's1', enabled: true, rateLimit: null };

  it('serves a hit within the TTL and reloads after it', async () => {
    let now = 0;
    const cache = new SourceCache({ ttlMs: 1000, maxEntries: 10, now: () => now });
    const load = jest.fn(async () => ({ source, digestHex: 'd1' }));
    await cache.get('k', load);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1001;
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('caches unknown keys too, and shares one lookup between concurrent misses', async () => {
    const cache = new SourceCache({ ttlMs: 1000 });
    const load = jest.fn(async () => ({ source: null, digestHex: 'd0' }));
    const results = await Promise.all([cache.get('bad', load), cache.get('bad', load), cache.get('bad', load)]);
    expect(results).toEqual([null, null, null]);
    await cache.get('bad', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets every credential of a digest, or of a source', async () => {
    const cache = new SourceCache({ ttlMs: 60_000 });
    const load = jest.fn(async () => ({ source, digestHex: 'd1' }));
    await cache.get('a', load);
    await cache.get('b', load);
    cache.invalidateDigest('d1');
    await cache.get('a', load);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(4);
    cache.invalidateSource('s1');
    await cache.get('a', load);
    await cache.get('b', load);
    expect(load).toHaveBeenCalledTimes(6);
  });

  it('stays within its size bound and does not cache with a zero TTL', async () => {
    const cache = new SourceCache({ ttlMs: 60_000, maxEntries: 2 });
    const load = jest.fn(async () => ({ source, digestHex: 'd1' }));
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(4);
    const uncached = new SourceCache({ ttlMs: 0 });
    const again = jest.fn(async () => ({ source, digestHex: 'd1' }));
    await uncached.get('x', again);
    await uncached.get('x', again);
    expect(again).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed lookup', async () => {
    const cache = new SourceCache({ ttlMs: 60_000 });
    await expect(cache.get('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await expect(cache.get('k', async () => ({ source, digestHex: 'd' }))).resolves.toBe(source);
  });

  it('answers a failed lookup with the last good entry within the stale bound, asking the database again each second', async () => {
    let now = 0;
    const stale: unknown[] = [];
    const cache = new SourceCache({ ttlMs: 1_000, staleMs: 10_000, now: () => now, onStale: (error) => stale.push(error) });
    await cache.get('known', async () => ({ source, digestHex: 'd1' }));
    await cache.get('unknown', async () => ({ source: null, digestHex: 'd0' }));
    const down = jest.fn(async () => Promise.reject(new Error('db down')));
    now = 5_000;
    await expect(cache.get('known', down)).resolves.toBe(source);
    await expect(cache.get('unknown', down)).resolves.toBeNull();
    await expect(cache.get('new', down)).rejects.toThrow('db down');
    expect(down).toHaveBeenCalledTimes(3);
    now = 5_500;
    await expect(cache.get('known', down)).resolves.toBe(source); // within the re-check second: no query
    expect(down).toHaveBeenCalledTimes(3);
    now = 11_001; // past TTL + staleMs after the last good lookup
    await expect(cache.get('known', down)).rejects.toThrow('db down');
    expect(stale).toHaveLength(2); // known and unknown at 5 s; 'new' had no entry to fall back on
  });

  it('never answers stale with staleMs 0', async () => {
    let now = 0;
    const cache = new SourceCache({ ttlMs: 1_000, now: () => now });
    await cache.get('known', async () => ({ source, digestHex: 'd1' }));
    now = 1_001;
    await expect(cache.get('known', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
  });
});
