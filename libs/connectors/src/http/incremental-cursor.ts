import type { Cursor } from '@tessera/connector-sdk';

export type CursorValue = string | number;

/**
 * Where an incremental read stands: the highest cursor-field value emitted, and the rows already emitted at exactly
 * that value. Rows sharing a value (an `updated_at` second) can straddle a checkpoint; resuming with an inclusive
 * `since` then skips those rows and keeps their siblings, so no row is lost or repeated.
 */
export interface IncrementalPosition {
  value: CursorValue;
  rowKeysAtValue: string[];
}

export function compareCursorValues(a: CursorValue, b: CursorValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function cursorValueOf(record: Record<string, unknown>, field: string): CursorValue {
  const value = record[field];
  if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return value;
  throw new Error(`a record has no usable cursor field ${field} (${JSON.stringify(value)}): ${JSON.stringify(record).slice(0, 120)}`);
}

/** Has this row not been emitted by the read that saved `position`? */
export function isNewer(position: IncrementalPosition | null, value: CursorValue, rowKey: string): boolean {
  if (!position) return true;
  const order = compareCursorValues(value, position.value);
  return order > 0 || (order === 0 && !position.rowKeysAtValue.includes(rowKey));
}

export function advance(position: IncrementalPosition | null, value: CursorValue, rowKey: string): IncrementalPosition {
  if (position && compareCursorValues(value, position.value) === 0) {
    return { value, rowKeysAtValue: [...position.rowKeysAtValue, rowKey] };
  }
  return { value, rowKeysAtValue: [rowKey] };
}

export function incrementalPositionOf(cursor: Cursor): IncrementalPosition | null {
  const value = cursor?.value;
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const keys = cursor?.rowKeysAtValue;
  return { value, rowKeysAtValue: Array.isArray(keys) ? keys.map(String) : [] };
}
