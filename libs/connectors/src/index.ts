import type { Connector } from '@tessera/connector-sdk';
import { filesConnector } from './files/files.connector';

/**
 * The built-in connectors (plain TypeScript on @tessera/connector-sdk, no Nest): files, Postgres, HTTP JSON API and
 * the Singer tap runner. services/connectors resolves a connection's `connector` name here.
 */
export function builtinConnectors(): ReadonlyArray<Connector<never>> {
  return [
    filesConnector as Connector<never>,
  ];
}

export { filesConnector } from './files/files.connector';
export type { FilesConfig, FileStreamConfig } from './files/files-config';
