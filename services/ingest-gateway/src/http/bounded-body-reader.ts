import { BadRequestException, HttpException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { gunzip } from 'node:zlib';
import { describeBytes } from './body-limits';
import type { BodyRejection } from './metrics';

/** A 4xx raised while reading a body, tagged with the metric reason. */
export class BodyRejected extends Error {
  constructor(
    readonly reason: BodyRejection,
    readonly httpError: HttpException,
  ) {
    super(httpError.message);
  }
}

/** gzip of incompressible data grows a little; the compressed stream may exceed the limit by this much. */
const GZIP_SLACK_BYTES = 16 * 1024;

/**
 * Reads a request body into memory without ever holding more than the limit: a Content-Length over it is refused
 * before reading, a stream that runs past it is cut off, and gzip output is capped by zlib's maxOutputLength (so
 * a zip bomb stops at limit + 1 bytes of output).
 */
export async function readBoundedBody(
  payload: Readable,
  contentEncoding: string | undefined,
  contentLength: string | undefined,
  limit: number,
): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    throw new BodyRejected(
      'bad_encoding',
      new UnsupportedMediaTypeException(`Content-Encoding "${encoding.slice(0, 40)}" is not supported; send gzip or no encoding`),
    );
  }
  const gzipped = encoding === 'gzip';
  const rawLimit = gzipped ? limit + GZIP_SLACK_BYTES : limit;
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (Number.isFinite(declared) && declared > rawLimit) throw tooLarge(declared, limit, false);

  const raw = await readAtMost(payload, rawLimit, limit);
  if (!gzipped) return raw;
  return new Promise<Buffer>((resolve, reject) => {
    gunzip(raw, { maxOutputLength: limit + 1 }, (error, inflated) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') reject(tooLarge(undefined, limit, true));
        else reject(new BodyRejected('bad_encoding', new BadRequestException(`body is not valid gzip: ${error.message}`)));
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
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}

function tooLarge(size: number | undefined, limit: number, decompressed: boolean): BodyRejected {
  const what = decompressed ? 'decompressed body' : 'body';
  const measured = size === undefined ? 'exceeds' : `is ${size} bytes, over`;
  return new BodyRejected('too_large', new BadRequestException(`${what} ${measured} the ${describeBytes(limit)} limit of this endpoint`));
}
