export type FileFormat = 'ndjson' | 'csv';

export interface FileExportConfig {
  /** Where finished files appear. Must be on one filesystem with its `.tessera-staging` subfolder (it is inside it). */
  directory: string;
  format: FileFormat;
  /** File names start with this. Default: the destination id. */
  filePrefix?: string;
  /** A file is closed once it reaches this size (a batch is never split across files). Default 64 MiB. */
  maxFileBytes?: number;
  /** A file is closed this long after it was opened, even if small. Default 300 s. */
  rotateAfterSeconds?: number;
  /** CSV only: which `fields` become columns, in order. Default: one `identifiers` and one `fields` column of JSON. */
  csvColumns?: string[];
  /**
   * CSV only, default true: a text cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, so a trait an
   * end user typed (`=HYPERLINK(...)`) is not run as a formula when a marketer opens the file in a spreadsheet (OWASP
   * "CSV injection"). Numbers stay as they are. Turn it off for files only machines read.
   */
  csvEscapeFormulas?: boolean;
  /** How long a written batch id is remembered, so a retried batch is not written twice. Default 48 h. */
  dedupeWindowHours?: number;
}

export const FILE_DEFAULTS = {
  maxFileBytes: 64 * 1024 * 1024,
  rotateAfterSeconds: 300,
  dedupeWindowHours: 48,
  maxBatchSize: 10_000,
} as const;

export const fileExportConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['directory', 'format'],
  properties: {
    directory: { type: 'string', minLength: 1, pattern: '^/' },
    format: { type: 'string', enum: ['ndjson', 'csv'] },
    filePrefix: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' },
    maxFileBytes: { type: 'integer', minimum: 1024 },
    rotateAfterSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 86_400 },
    csvColumns: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true, maxItems: 500 },
    csvEscapeFormulas: { type: 'boolean' },
    dedupeWindowHours: { type: 'number', minimum: 1, maximum: 24 * 30 },
  },
} as const;

export const fileExportSecretsSchema = { type: 'object', additionalProperties: false, properties: {} } as const;
