import type { Connector } from '@tessera/connector-sdk';
import { filesConnector } from './files/files.connector';
import { postgresConnector } from './postgres/postgres.connector';
import { httpApiConnector } from './http/http-api.connector';
import { singerTapConnector } from './singer/singer-tap.connector';

/**
 * The built-in connectors (plain TypeScript on @tessera/connector-sdk, no Nest): files, Postgres, HTTP JSON API and
 * the Singer tap runner. services/connectors resolves a connection's `connector` name here.
 */
export function builtinConnectors(): ReadonlyArray<Connector<never>> {
  return [filesConnector as Connector<never>, postgresConnector as Connector<never>, httpApiConnector, singerTapConnector];
}

export { filesConnector } from './files/files.connector';
export type { FilesConfig, FileStreamConfig } from './files/files-config';
export { postgresConnector } from './postgres/postgres.connector';
export type { PostgresConfig, PostgresStreamConfig } from './postgres/postgres-config';
export { httpApiConnector } from './http/http-api.connector';
export type { HttpApiConfig, HttpAuth, HttpPagination, HttpStreamConfig } from './http/http-config';
export { singerTapConnector } from './singer/singer-tap.connector';
export { SingerTapError } from './singer/singer-tap.error';
export type { SingerConfig, SingerStateCommit } from './singer/singer-config';
