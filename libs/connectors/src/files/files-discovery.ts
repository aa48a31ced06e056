import { readdir } from 'node:fs/promises';
import type { JsonSchema, StreamDescriptor } from '@tessera/connector-sdk';
import { openFileBytes } from './file-bytes';
import { listSourceFiles } from './file-listing';
import { cursorSetting, primaryKeyColumns, type FilesConfig, type FileStreamConfig } from './files-config';
import { csvColumns } from './csv-rows';
import { parseRows } from './files-reader';

/** NDJSON lines sampled for a stream's field types. */
const SAMPLE_ROWS = 100;

/** Every stream's folder can be listed, every URL answers 2xx; the first failure, in words, is thrown. */
export async function checkFiles(config: FilesConfig): Promise<void> {
  assertUniqueNames(config);
  if (config.streams.some((s) => s.pattern !== undefined)) {
    try {
      await readdir(config.directory!);
    } catch (error) {
      throw new Error(directoryProblem(config.directory!, error as NodeJS.ErrnoException));
    }
  }
  for (const stream of config.streams.filter((s) => s.url !== undefined)) {
    for (const file of await listSourceFiles(config, stream)) file.discard();
  }
}

/** The configured streams, each typed from its first file (CSV: the header's columns; NDJSON: sampled lines). */
export async function discoverFiles(config: FilesConfig): Promise<StreamDescriptor[]> {
  assertUniqueNames(config);
  return Promise.all(config.streams.map(async (stream) => describeStream(config, stream)));
}

async function describeStream(config: FilesConfig, stream: FileStreamConfig): Promise<StreamDescriptor> {
  const files = await listSourceFiles(config, stream);
  files.slice(1).forEach((f) => f.discard());
  const first = files[0];
  let properties: Record<string, JsonSchema> = {};
  if (stream.format === 'csv') {
    const names = first
      ? await csvColumns(openFileBytes(first, stream, { bytes: 0 }), stream.csv ?? {}, stream.encoding ?? 'utf-8')
      : (stream.csv?.columns ?? []);
    // Every CSV value is text; an empty cell is null.
    properties = Object.fromEntries(names.map((name) => [name, { type: ['string', 'null'] }]));
  } else if (first) {
    properties = await sampleNdjsonTypes(first, stream);
  }
  const setting = cursorSetting(stream);
  return {
    name: stream.name,
    schema: { type: 'object', properties },
    primaryKey: primaryKeyColumns(stream),
    cursorCandidates: setting.mode === 'column' ? [setting.column!] : [],
  };
}

async function sampleNdjsonTypes(file: Parameters<typeof parseRows>[0], stream: FileStreamConfig): Promise<Record<string, JsonSchema>> {
  const types = new Map<string, Set<string>>();
  let sampled = 0;
  for await (const row of parseRows(file, stream, { bytes: 0 })) {
    if (!('data' in row)) continue;
    for (const [field, value] of Object.entries(row.data)) {
      const seen = types.get(field) ?? new Set<string>(['null']);
      seen.add(jsonType(value));
      types.set(field, seen);
    }
    if (++sampled >= SAMPLE_ROWS) break;
  }
  return Object.fromEntries(
    [...types].map(([field, seen]) => {
      if (seen.has('number')) seen.delete('integer');
      return [field, { type: [...seen].sort() }];
    }),
  );
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function assertUniqueNames(config: FilesConfig): void {
  const names = config.streams.map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`the stream name ${repeated} is configured twice`);
}

function directoryProblem(directory: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `the directory ${directory} does not exist`;
  if (error.code === 'ENOTDIR') return `${directory} is not a directory`;
  if (error.code === 'EACCES') return `the directory ${directory} cannot be read (permission denied)`;
  return `the directory ${directory} cannot be listed: ${error.message}`;
}
