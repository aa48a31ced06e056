import type { JsonSchema } from '@tessera/connector-sdk';

export type FileFormat = 'csv' | 'ndjson';
export type FileEncoding = 'utf-8' | 'latin1';
export type CursorMode = 'file-name' | 'modified-time' | 'column';
export type ColumnType = 'string' | 'number' | 'timestamp';

export interface CsvOptions {
  /** The first row names the columns (default true). */
  header?: boolean;
  /** Column names: required without a header row; with one, they replace its names. */
  columns?: string[];
  delimiter?: string;
  quote?: string;
  escape?: string;
}

export interface FileCursorSetting {
  mode: CursorMode;
  /** The column a `column` cursor compares (records with a value greater than the saved one are read). */
  column?: string;
  /** How the column's values compare (default `string`: lexicographic, right for ISO-8601 timestamps in one format). */
  type?: ColumnType;
}

export interface FileStreamConfig {
  name: string;
  /** File names in `directory` (`*` and `?` wildcards, no sub-folders), or… */
  pattern?: string;
  /** …one file over HTTP(S). */
  url?: string;
  format: FileFormat;
  csv?: CsvOptions;
  encoding?: FileEncoding;
  /** `auto` (the default) gunzips a file named `*.gz` or starting with gzip's magic bytes. */
  compression?: 'auto' | 'gzip' | 'none';
  /** The column(s) whose values are the row key (else `<file name>:<row number>`). */
  primaryKey?: string | string[];
  cursor?: FileCursorSetting;
  /** A checkpoint every N rows inside a file (default 10,000), so a big file resumes mid-way after a crash. */
  checkpointEvery?: number;
  /**
   * A `url` stream whose file is a whole export: each new version read whole is a full pass, so the rows an earlier
   * version had and this one lacks have disappeared from the source (counted, and unset with
   * unsetMissingOnFullRefresh). Off by default: a URL may also serve only the latest changes.
   */
  snapshot?: boolean;
}

export interface FilesConfig {
  directory?: string;
  /** Sent as the Authorization header to every `url` stream (a secret). */
  httpAuthorization?: string;
  streams: FileStreamConfig[];
}

export const DEFAULT_CHECKPOINT_EVERY = 10_000;

const singleChar = { type: 'string', minLength: 1, maxLength: 1 };

export const FILES_CONFIG_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['streams'],
  additionalProperties: false,
  properties: {
    directory: { type: 'string', minLength: 1, description: 'The folder holding the files of `pattern` streams.' },
    httpAuthorization: { type: 'string', minLength: 1, secret: true, description: 'Authorization header for `url` streams.' },
    streams: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'format'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          pattern: { type: 'string', minLength: 1, pattern: '^[^/\\\\]+$' },
          // No user:password@ (fetch refuses it, and the URL is not a secret): use httpAuthorization.
          url: { type: 'string', format: 'uri', pattern: '^https?://[^/?#@]+([/?#].*)?$' },
          format: { type: 'string', enum: ['csv', 'ndjson'] },
          csv: {
            type: 'object',
            additionalProperties: false,
            properties: {
              header: { type: 'boolean' },
              columns: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              delimiter: singleChar,
              quote: singleChar,
              escape: singleChar,
            },
          },
          encoding: { type: 'string', enum: ['utf-8', 'latin1'] },
          compression: { type: 'string', enum: ['auto', 'gzip', 'none'] },
          // One type list rather than anyOf, so a bad value gets one error that fits it ("must NOT have fewer than 1 items").
          primaryKey: { type: ['string', 'array'], minLength: 1, minItems: 1, items: { type: 'string', minLength: 1 } },
          cursor: {
            type: 'object',
            required: ['mode'],
            additionalProperties: false,
            properties: {
              mode: { type: 'string', enum: ['file-name', 'modified-time', 'column'] },
              column: { type: 'string', minLength: 1 },
              type: { type: 'string', enum: ['string', 'number', 'timestamp'] },
            },
          },
          checkpointEvery: { type: 'integer', minimum: 1 },
          snapshot: { type: 'boolean' },
        },
        // Exactly one of pattern and url.
        anyOf: [
          { properties: { pattern: true }, required: ['pattern'] },
          { properties: { url: true }, required: ['url'] },
        ],
        allOf: [
          { if: { properties: { pattern: true }, required: ['pattern'] }, then: { properties: { url: { not: {} } } } },
          {
            if: { required: ['cursor'], properties: { cursor: { type: 'object', properties: { mode: { const: 'column' } } } } },
            then: { properties: { cursor: { type: 'object', properties: { column: true }, required: ['column'] } } },
          },
          // A snapshot is one file at a URL read whole by modification time (a column cursor filters its rows).
          {
            if: { required: ['snapshot'], properties: { snapshot: { const: true } } },
            then: {
              required: ['url'],
              properties: { cursor: { type: 'object', properties: { mode: { const: 'modified-time' } } } },
            },
          },
          {
            if: {
              required: ['csv'],
              properties: { csv: { type: 'object', required: ['header'], properties: { header: { const: false } } } },
            },
            then: { properties: { csv: { type: 'object', properties: { columns: true }, required: ['columns'] } } },
          },
        ],
      },
    },
  },
  // A folder is needed as soon as one stream reads by pattern.
  if: {
    properties: {
      streams: { type: 'array', contains: { type: 'object', properties: { pattern: { type: 'string' } }, required: ['pattern'] } },
    },
  },
  then: { properties: { directory: true }, required: ['directory'] },
};

/** The cursor mode of a stream: `file-name` for a folder's files, `modified-time` for a URL, unless set. */
export function cursorSetting(stream: FileStreamConfig): FileCursorSetting {
  return stream.cursor ?? { mode: stream.url !== undefined ? 'modified-time' : 'file-name' };
}

/** A stream's key columns: one name or a list (a composite key), as the other connectors take it. */
export function primaryKeyColumns(stream: FileStreamConfig): string[] {
  const key = stream.primaryKey;
  return key === undefined ? [] : typeof key === 'string' ? [key] : key;
}
