import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { SourceFile } from './file-listing';
import type { FileStreamConfig } from './files-config';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Counts the raw (still compressed) bytes a file has delivered so far: the read's progress for its estimate. */
export interface ByteCounter {
  bytes: number;
}

/**
 * The decompressed bytes of a file. `auto` gunzips a `*.gz` name or a body that starts with gzip's magic bytes
 * (a `.csv` that is really gzipped, as some exports are); the first chunk is peeked, never lost.
 */
export function openFileBytes(file: SourceFile, stream: FileStreamConfig, counter: ByteCounter): Readable {
  const compression = stream.compression ?? 'auto';
  const counted = countBytes(file.open(), counter);
  if (compression === 'none') return Readable.from(counted, { objectMode: false });
  return Readable.from(gunzipWhen(counted, compression === 'gzip' || file.name.endsWith('.gz')), { objectMode: false });
}

async function* countBytes(raw: Readable, counter: ByteCounter): AsyncGenerator<Buffer> {
  for await (const chunk of raw) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    counter.bytes += buffer.length;
    yield buffer;
  }
}

async function* gunzipWhen(chunks: AsyncGenerator<Buffer>, gzip: boolean): AsyncGenerator<Buffer> {
  const first = await chunks.next();
  if (first.done) return;
  const isGzip = gzip || (first.value.length >= 2 && first.value[0] === GZIP_MAGIC[0] && first.value[1] === GZIP_MAGIC[1]);
  const all = (async function* () {
    yield first.value;
    yield* chunks;
  })();
  if (!isGzip) {
    yield* all;
    return;
  }
  const gunzip = createGunzip();
  const input = Readable.from(all, { objectMode: false });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  for await (const chunk of gunzip) yield chunk as Buffer;
}
