import type { Connector } from '@tessera/connector-sdk';

/**
 * The built-in connectors (plain TypeScript on @tessera/connector-sdk, no Nest): files, Postgres, HTTP JSON API and
 * the Singer tap runner. services/connectors resolves a connection's `connector` name here.
 */
export function builtinConnectors(): ReadonlyArray<Connector<never>> {
  return [];
}
