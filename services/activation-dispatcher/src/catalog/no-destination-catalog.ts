import type { DestinationCatalog } from '@tessera/destinations';

/**
 * A catalog of no kinds: every config is refused with the reason. Stands in until libs/destinations exports its
 * adapters (createDestinationCatalog), which app.module.ts then provides instead.
 */
export function noDestinationCatalog(): DestinationCatalog {
  return {
    kinds: [],
    validate: (kind) => [{ path: '$.kind', message: `no destination adapters are installed (kind ${JSON.stringify(kind)})` }],
    create: (spec) => {
      throw new Error(`no destination adapters are installed (kind ${spec.kind})`);
    },
  };
}
