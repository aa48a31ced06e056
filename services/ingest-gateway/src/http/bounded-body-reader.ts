import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import { describeBytes } from './body-limits';
import { BodyRejected } from './body-rejected.error';

/** Compression of incompressible data grows a little; the compressed stream may exceed the limit by this much. */
const COMPRESSED_SLACK_BYTES = 16 * 1024;

type Decompress = (raw: Buffer, options: ZlibOptions, callback: (error: Error | null, result: Buffer) => void) => void;

/**
 * The Content-Encodings the gateway reads. HTTP's "deflate" is the zlib format, but some clients send a raw deflate
 * stream under that name, so a body that is not zlib is tried as raw deflate before it is refused.
 */
const DECOMPRESSORS = new Map<string, Decompress>([
  ['gzip', gunzip],
  ['x-gzip', gunzip],
  [
    'deflate',
    (raw, options, callback) =>
      inflate(raw, options, (error, result) =>
        error && !tooLargeError(error) ? inflateRaw(raw, options, callback) : callback(error, result),
      ),
  ],
  ['br', (raw, options, callback) => brotliDecompress(raw, { maxOutputLength: options.maxOutputLength }, callback)],
]);

function tooLargeError(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Reads a request body into memory without ever holding more than the limit: a Content-Length over it is refused
 * before reading, a stream that runs past it is cut off, and decompressed output is capped by zlib's
 * maxOutputLength (so a zip bomb stops at limit + 1 bytes of output).
 */
export async function readBoundedBody(
  payload: Readable,
  contentEncoding: string | undefined,
  contentLength: string | undefined,
  limit: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  const decompress = DECOMPRESSORS.get(encoding);
  if (decompress === undefined && encoding !== 'identity' && encoding !== '') {
    throw new BodyRejected(
      'bad_encoding',
      new UnsupportedMediaTypeException(
        `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip, deflate, br or no encoding`,
      ),
    );
  }
  const rawLimit = decompress ? limit + COMPRESSED_SLACK_BYTES : limit;
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > rawLimit) throw tooLarge(declared, limit, false);

  const raw = await readAtMost(payload, rawLimit, limit);
  if (!decompress) return raw;
  if (raw.length === 0) return raw;
  return new Promise<Buffer>((resolve, reject) => {
    decompress(raw, { maxOutputLength: limit + 1 }, (error, inflated) => {
      if (error) {
        if (tooLargeError(error)) reject(tooLarge(undefined, limit, true));
        else reject(new BodyRejected('bad_encoding', new BadRequestException(`body is not valid ${encoding}: ${error.message}`)));
        return;
      }
      if (inflated.length > limit) reject(tooLarge(inflated.length, limit, true));
      else resolve(inflated);
    });
  });
}

function readAtMost(payload: Readable, rawLimit: number, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > rawLimit) {
        cleanup();
        // Stop buffering; the rest of the upload is discarded as it arrives.
        payload.resume();
        reject(tooLarge(received, limit, false));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received));
    };
    // The client went away, or the server's request timeout closed the socket (and answered 408): nobody reads
    // this answer, but the request ends as a 400 rather than an unexplained 500 in the logs and metrics.
    const onError = () => {
      cleanup();
      reject(
        new BodyRejected('incomplete', new BadRequestException(`the request body ended after ${received} bytes, before it was complete`)),
      );
    };
    const onClose = () => {
      if (!payload.readableEnded) onError();
    };
    const cleanup = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      payload.removeListener('close', onClose);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.on('close', onClose);
  });
}

function tooLarge(size: number | undefined, limit: number, decompressed: boolean): BodyRejected {
  const what = decompressed ? 'decompressed body' : 'body';
  const measured = size === undefined ? 'exceeds' : `is ${size} bytes, over`;
  return new BodyRejected('too_large', new BadRequestException(`${what} ${measured} the ${describeBytes(limit)} limit of this endpoint`));
}
