/* Test support shared by the storage specs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordBatchIterator } from '../records';

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tessera-storage-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Base offset and record count of each batch in a fetched buffer. */
export function batchesOf(records: Buffer): Array<{ baseOffset: number; count: number }> {
  const result: Array<{ baseOffset: number; count: number }> = [];
  const iterator = new RecordBatchIterator(records);
  for (const view of iterator) result.push({ baseOffset: Number(view.baseOffset), count: view.recordCount });
  if (iterator.problem) throw new Error(`fetched bytes are not whole batches: ${iterator.problem}`);
  return result;
}
