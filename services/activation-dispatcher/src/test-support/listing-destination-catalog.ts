import { createDestinationCatalog, type DestinationAdapter, type DestinationCatalog } from '@tessera/destinations';

/**
 * libs/destinations' real catalog, where the destinations named in `listUrls` can also list their contents, from a
 * local receiver's `GET <url>?audience=<sync id>` (answering `{members: [...]}`). No real kind can list (files and
 * topics are logs, ad platforms keep only hashes), but mirror syncs must work with a destination that can.
 */
export function listingDestinationCatalog(listUrls: ReadonlyMap<string, string>): DestinationCatalog {
  const real = createDestinationCatalog();
  return {
    kinds: real.kinds,
    validate: (kind, config, secrets) => real.validate(kind, config, secrets),
    create(spec): DestinationAdapter {
      const adapter = real.create(spec);
      const url = listUrls.get(spec.destinationId);
      if (url === undefined) return adapter;
      return {
        kind: adapter.kind,
        maxBatchSize: adapter.maxBatchSize,
        send: (batch, context) => adapter.send(batch, context),
        close: () => adapter.close?.() ?? Promise.resolve(),
        async listMembers(audienceKey, { signal }) {
          const res = await fetch(`${url}?audience=${encodeURIComponent(audienceKey)}`, { signal });
          return ((await res.json()) as { members: string[] }).members;
        },
      };
    },
  };
}
