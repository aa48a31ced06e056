import { createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import * as path from 'node:path';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Writes (or reuses) a file of `records` newline-terminated lines, each exactly `recordBytes` long before the
 * newline: an 8-digit record number, a space, then incompressible-looking filler. kcat sends each line as one
 * record, so the file is the benchmark's input for both brokers. Cached by name under the build directory.
 */
export async function ensureRecordFile(dir: string, records: number, recordBytes: number): Promise<string> {
  const file = path.join(dir, `records-${records}x${recordBytes}.txt`);
  const expectedSize = records * (recordBytes + 1);
  if (existsSync(file) && statSync(file).size === expectedSize) return file;

  // Deterministic filler (a small LCG) so reruns and both brokers see the same bytes.
  let seed = 42;
  const filler = Buffer.alloc(8192);
  for (let i = 0; i < filler.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    filler[i] = ALPHABET.charCodeAt((seed >>> 16) % ALPHABET.length);
  }

  const out = createWriteStream(file);
  const linesPerWrite = 10_000;
  for (let start = 0; start < records; start += linesPerWrite) {
    const count = Math.min(linesPerWrite, records - start);
    const chunk = Buffer.alloc(count * (recordBytes + 1));
    for (let i = 0; i < count; i++) {
      const at = i * (recordBytes + 1);
      const prefix = `${String(start + i).padStart(8, '0')} `;
      chunk.write(prefix, at, 'latin1');
      const fillerOffset = ((start + i) * 37) % (filler.length - recordBytes);
      filler.copy(chunk, at + prefix.length, fillerOffset, fillerOffset + recordBytes - prefix.length);
      chunk[at + recordBytes] = 0x0a;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}
