import type { Cursor, ReadMessage, RecordMessage } from '@tessera/connector-sdk';
import { openFileBytes, type ByteCounter } from './file-bytes';
import { listSourceFiles, type SourceFile } from './file-listing';
import { rowKeyFrom } from '../row-key';
import { cursorSetting, DEFAULT_CHECKPOINT_EVERY, primaryKeyColumns, type FilesConfig, type FileStreamConfig } from './files-config';
import { comparable, compareColumnValues, fileOrder, parseFilesCursor, sortForMode, type FilesCursor } from './files-cursor';
import { csvRows } from './csv-rows';
import { ndjsonRows } from './ndjson-rows';
import type { ParsedRow } from './parsed-row';

/** Rows parsed before the first estimate: enough for a steady bytes-per-row figure. */
const ESTIMATE_AFTER_ROWS = 1_000;

export function findFileStream(config: FilesConfig, name: string): FileStreamConfig {
  const stream = config.streams.find((s) => s.name === name);
  if (!stream) throw new Error(`the files connector has no stream ${name} (configured: ${config.streams.map((s) => s.name).join(', ')})`);
  return stream;
}

export function parseRows(file: SourceFile, stream: FileStreamConfig, counter: ByteCounter): AsyncGenerator<ParsedRow> {
  const bytes = openFileBytes(file, stream, counter);
  const encoding = stream.encoding ?? 'utf-8';
  return stream.format === 'csv' ? csvRows(bytes, stream.csv ?? {}, encoding) : ndjsonRows(bytes, encoding);
}

/**
 * Reads a stream's files in its cursor mode's order, from where the cursor stands. A checkpoint closes each file
 * and every `checkpointEvery` rows inside one (its position is the row count, so a resumed read re-parses the
 * file's start but emits nothing before that row). In `column` mode a pass reads every file and keeps the records
 * whose column is greater than the saved value; its last checkpoint saves the greatest value seen.
 */
export async function* readFiles(
  config: FilesConfig,
  streamName: string,
  cursor: Cursor,
  signal?: AbortSignal,
): AsyncGenerator<ReadMessage> {
  const stream = findFileStream(config, streamName);
  const setting = cursorSetting(stream);
  const saved = parseFilesCursor(cursor, setting);
  const every = stream.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const position = saved?.position;
  // A URL read whole at its Last-Modified time is not downloaded again unless it changed since.
  const modifiedAfter = setting.mode === 'modified-time' && position?.complete ? position.modifiedAt : undefined;
  const files = sortForMode(setting.mode, await listSourceFiles(config, stream, { signal, modifiedAfter }));
  const todo: { file: SourceFile; skip: number }[] = [];
  for (const file of files) {
    const order = position ? fileOrder(setting.mode, file, position) : 1;
    if (order < 0 || (order === 0 && position!.complete)) file.discard();
    else todo.push({ file, skip: order === 0 ? position!.row : 0 });
  }

  const column = setting.mode === 'column' ? { name: setting.column!, type: setting.type ?? 'string' } : undefined;
  const after = saved?.after ?? null;
  let max: unknown = saved ? (saved.max ?? after) : null;
  const cursorAt = (file: SourceFile, row: number, complete: boolean): ReadMessage => {
    const next: FilesCursor = { mode: setting.mode, position: { file: file.name, modifiedAt: file.modifiedAt, row, complete } };
    return { type: 'checkpoint', cursor: (column ? { ...next, after, max } : next) as unknown as Cursor };
  };

  // The estimate: records so far plus the bytes still to read at the bytes-per-row rate seen, refreshed at each
  // checkpoint (bytes read ahead of the parser make the early ones low; at a file's end it is exact). None when
  // a column cursor filters most rows out, nor when a URL gave no size.
  const totalBytes = todo.every((t) => t.file.size !== null) ? todo.reduce((sum, t) => sum + t.file.size!, 0) : null;
  const estimating = totalBytes !== null && !(column && after !== null);
  const counter: ByteCounter = { bytes: 0 };
  const key = primaryKeyColumns(stream);
  let parsed = 0;
  let emitted = 0;
  const estimate = (): ReadMessage => ({
    type: 'estimate',
    total: emitted + Math.round((Math.max(0, totalBytes! - counter.bytes) * parsed) / Math.max(1, counter.bytes)),
  });

  for (const { file, skip } of todo) {
    let sinceCheckpoint = 0;
    let lastRow = skip;
    for await (const row of parseRows(file, stream, counter)) {
      signal?.throwIfAborted();
      parsed += 1;
      if (estimating && parsed === ESTIMATE_AFTER_ROWS) yield estimate();
      if (row.row <= skip) continue;
      lastRow = row.row;
      const data = 'data' in row ? row.data : { _error: row.error };
      let keep = true;
      if (column) {
        const value = data[column.name];
        if (after !== null) keep = (compareColumnValues(value, after, column.type) ?? 0) > 0;
        if (comparable(value, column.type) !== undefined && (max === null || compareColumnValues(value, max, column.type)! > 0))
          max = value;
      }
      if (keep) {
        emitted += 1;
        yield recordOf(stream.name, key, file, row.row, data);
      }
      sinceCheckpoint += 1;
      if (sinceCheckpoint >= every) {
        sinceCheckpoint = 0;
        yield cursorAt(file, row.row, false);
        if (estimating && parsed >= ESTIMATE_AFTER_ROWS) yield estimate();
      }
    }
    yield cursorAt(file, lastRow, true);
    if (estimating && parsed >= ESTIMATE_AFTER_ROWS) yield estimate();
    // read whole within this read (not resumed from a checkpoint inside it): every row the export holds
    if (stream.snapshot && skip === 0) yield { type: 'full-pass' };
  }
  if (column) yield { type: 'checkpoint', cursor: { mode: setting.mode, after: max } };
}

/** Keyed by the primary key columns' values when the row has them all, else by `<file name>:<row number>`, positional. */
function recordOf(stream: string, key: readonly string[], file: SourceFile, row: number, data: Record<string, unknown>): RecordMessage {
  const rowKey = rowKeyFrom(data, key);
  return rowKey !== undefined
    ? { type: 'record', stream, data, rowKey }
    : { type: 'record', stream, data, rowKey: `${file.name}:${row}`, positional: true };
}
