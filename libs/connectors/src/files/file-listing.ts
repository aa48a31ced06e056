import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FilesConfig, FileStreamConfig } from './files-config';

/** One file of a stream: a file in the folder, or the body of a URL. */
export interface SourceFile {
  name: string;
  /** Modification time in ms since the epoch; a URL without Last-Modified gets the time it was fetched. */
  modifiedAt: number;
  /** Size in bytes when known (a URL without Content-Length: null). */
  size: number | null;
  /** The raw bytes (still compressed). Call once; `discard` instead when the file is skipped. */
  open(): Readable;
  discard(): void;
}

export interface ListingOptions {
  signal?: AbortSignal;
  /** A URL's file is only fetched when modified after this time (ms; `If-Modified-Since`): none when it was not. */
  modifiedAfter?: number;
}

/** The files of a stream, sorted by name (code-unit order, as `ls` in the C locale). */
export async function listSourceFiles(config: FilesConfig, stream: FileStreamConfig, options: ListingOptions = {}): Promise<SourceFile[]> {
  if (stream.url !== undefined) return fetchUrlFile(stream.url, config.httpAuthorization, options);
  const directory = config.directory!;
  const matches = fileNameMatcher(stream.pattern!);
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && matches(e.name)).map((e) => e.name);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const path = join(directory, name);
      const info = await stat(path);
      return {
        name,
        modifiedAt: info.mtimeMs,
        size: info.size,
        // Small chunks keep the parser close to the bytes read, so the estimate's bytes-per-row rate is near the truth.
        open: () => createReadStream(path, { highWaterMark: 32 * 1024 }),
        discard: () => undefined,
      };
    }),
  );
}

/** `*` any run of characters, `?` one character; everything else literal. The whole name must match. */
export function fileNameMatcher(pattern: string): (name: string) => boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => regex.test(name);
}

async function fetchUrlFile(
  url: string,
  authorization: string | undefined,
  { signal, modifiedAfter }: ListingOptions,
): Promise<SourceFile[]> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  if (modifiedAfter !== undefined) headers['if-modified-since'] = new Date(modifiedAfter).toUTCString();
  const response = await fetch(url, { headers, signal }).catch((error: Error) => {
    if (error.name === 'AbortError') throw error;
    // undici says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is its cause.
    const cause = (error.cause as { message?: string } | undefined)?.message ?? error.message;
    throw new Error(`could not reach ${redactUrl(url)}: ${cause.split(url).join(redactUrl(url))}`);
  });
  if (response.status === 304) {
    await response.body?.cancel();
    return [];
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`${redactUrl(url)} answered ${response.status} ${response.statusText}`.trim());
  }
  const lastModified = Date.parse(response.headers.get('last-modified') ?? '');
  const length = Number(response.headers.get('content-length') ?? NaN);
  const body = response.body;
  const file: SourceFile = {
    name: decodeURIComponent(new URL(url).pathname.split('/').pop() || new URL(url).hostname),
    modifiedAt: Number.isFinite(lastModified) ? lastModified : Date.now(),
    // fetch decodes a Content-Encoding: gzip itself, and Content-Length is then the compressed size.
    size: Number.isFinite(length) && !response.headers.get('content-encoding') ? length : null,
    open: () => Readable.fromWeb(body as never),
    discard: () => void body.cancel().catch(() => undefined),
  };
  return [file];
}

/** A URL as messages may show it: without user info or query (either may carry a credential). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the URL';
  }
}
