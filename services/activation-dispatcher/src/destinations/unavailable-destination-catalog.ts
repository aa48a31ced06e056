import type { DestinationCatalog } from '@tessera/destinations';

/**
 * Stands in for libs/destinations' createDestinationCatalog() until the adapters land: no kind is available, so no
 * destination gets a delivery lane and its status says why.
 */
export function unavailableDestinationCatalog(): DestinationCatalog {
  return {
    kinds: [],
    validate: (kind) => [{ path: 'kind', message: `no destination adapters are installed (${kind})` }],
    create: (spec) => {
      throw new Error(`no adapter for ${spec.kind} is installed`);
    },
  };
}
