import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { FileEncoding } from './files-config';
import type { ParsedRow } from './parsed-row';

/**
 * The rows of an NDJSON file, one per line (`row` is the line number; blank lines count but yield nothing). A line
 * that is not a JSON object becomes an `error` row, and reading goes on.
 */
export async function* ndjsonRows(bytes: Readable, encoding: FileEncoding): AsyncGenerator<ParsedRow> {
  bytes.setEncoding(encoding === 'latin1' ? 'latin1' : 'utf8');
  const lines = createInterface({ input: bytes, crlfDelay: Number.POSITIVE_INFINITY });
  let row = 0;
  try {
    for await (const raw of lines) {
      row += 1;
      const line = row === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (line.trim() === '') continue;
      yield parseLine(row, line);
    }
  } finally {
    lines.close();
    bytes.destroy();
  }
}

function parseLine(row: number, line: string): ParsedRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { row, error: `not JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { row, error: 'the line is not a JSON object' };
  return { row, data: value as Record<string, unknown> };
}
