import { defineConnector } from '@tessera/connector-sdk';
import { FILES_CONFIG_SCHEMA, type FilesConfig } from './files-config';
import { checkFiles, discoverFiles } from './files-discovery';
import { readFiles } from './files-reader';

/** CSV and NDJSON files from a folder (by name pattern) or an HTTP(S) URL; see libs/connectors/README.md. */
export const filesConnector = defineConnector<FilesConfig>({
  name: 'files',
  configSchema: FILES_CONFIG_SCHEMA,
  check: (config) => checkFiles(config),
  discover: (config) => discoverFiles(config),
  read: (config, stream, cursor, { signal }) => readFiles(config, stream, cursor, signal),
});
