import { defineConnector } from '@tessera/connector-sdk';
import { POSTGRES_CONFIG_SCHEMA, type PostgresConfig } from './postgres-config';
import { checkPostgres, discoverPostgres } from './postgres-discovery';
import { readPostgres } from './postgres-reader';

/** Tables or queries of a Postgres database, keyset-paged by a replication key; see libs/connectors/README.md. */
export const postgresConnector = defineConnector<PostgresConfig>({
  name: 'postgres',
  configSchema: POSTGRES_CONFIG_SCHEMA,
  check: (config) => checkPostgres(config),
  discover: (config) => discoverPostgres(config),
  read: (config, stream, cursor, { signal }) => readPostgres(config, stream, cursor, signal),
});
