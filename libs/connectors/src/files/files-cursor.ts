import type { Cursor } from '@tessera/connector-sdk';
import type { ColumnType, CursorMode, FileCursorSetting } from './files-config';

/** How far a read got: files before `file` (in the mode's order) are done; of `file`, the first `row` rows. */
export interface FilePosition {
  file: string;
  modifiedAt: number;
  row: number;
  complete: boolean;
}

/**
 * The files connector's cursor. `file-name` and `modified-time`: a position. `column`: `after` is the value the
 * current pass reads beyond, `max` the greatest value seen so far in it, `position` where the pass stands (absent
 * between passes: the next pass reads the records whose column is greater than `after`).
 */
export interface FilesCursor {
  mode: CursorMode;
  position?: FilePosition;
  after?: unknown;
  max?: unknown;
}

export function parseFilesCursor(cursor: Cursor, setting: FileCursorSetting): FilesCursor | null {
  if (cursor === null) return null;
  const parsed = cursor as unknown as FilesCursor;
  if (parsed.mode !== setting.mode) {
    throw new Error(
      `the saved cursor was made in cursor mode ${String(parsed.mode)}, the stream now reads by ${setting.mode}: request a full refresh`,
    );
  }
  return parsed;
}

/** Where a file stands against a position: before it (done), at it (done up to `row`), or after it (to read). */
export function fileOrder(mode: CursorMode, file: { name: string; modifiedAt: number }, position: FilePosition): -1 | 0 | 1 {
  if (mode === 'modified-time' && file.modifiedAt !== position.modifiedAt) return file.modifiedAt < position.modifiedAt ? -1 : 1;
  if (file.name === position.file) return 0;
  return file.name < position.file ? -1 : 1;
}

/** Files in the order a mode reads them: by name, or by modification time then name. */
export function sortForMode<F extends { name: string; modifiedAt: number }>(mode: CursorMode, files: F[]): F[] {
  if (mode !== 'modified-time') return files;
  return [...files].sort((a, b) => a.modifiedAt - b.modifiedAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Compares two cursor-column values; `undefined` when either cannot be compared (missing, empty, not a number, not
 * a date), so such a row is never "newer" than a saved value and never becomes the maximum.
 */
export function compareColumnValues(a: unknown, b: unknown, type: ColumnType): number | undefined {
  const left = comparable(a, type);
  const right = comparable(b, type);
  if (left === undefined || right === undefined) return undefined;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function comparable(value: unknown, type: ColumnType): number | string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (type === 'string') return String(value);
  const n = type === 'number' ? Number(value) : Date.parse(String(value));
  return Number.isFinite(n) ? n : undefined;
}
