import type { DestinationKindDefinition } from '../catalog/destination-kind';
import { FileExportAdapter } from './file-export-adapter';
import { fileExportConfigSchema, fileExportSecretsSchema, type FileExportConfig } from './file-export-config';

export const fileExportDestination: DestinationKindDefinition<FileExportConfig, Record<string, never>> = {
  kind: 'file',
  configSchema: fileExportConfigSchema,
  secretsSchema: fileExportSecretsSchema,
  extraProblems: (config) =>
    config.csvColumns && config.format !== 'csv' ? [{ path: '/config/csvColumns', message: 'only applies to format csv' }] : [],
  create: (spec, deps) => new FileExportAdapter(spec.destinationId, spec.config, deps.now),
};
