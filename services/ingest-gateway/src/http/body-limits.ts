/** Segment's limits: 32 KB per call, 500 KB per batch (and 2,500 events, checked by the batch endpoint). */
export const EVENT_LIMIT_BYTES = 32 * 1024;
export const BATCH_LIMIT_BYTES = 500 * 1024;
export const BATCH_LIMIT_EVENTS = 2_500;
/** Admin and other JSON bodies. */
export const DEFAULT_LIMIT_BYTES = 64 * 1024;

/** The routes that take events or records (their route patterns): batches, and single calls. */
export const BATCH_ROUTES: ReadonlySet<string> = new Set(['/v1/batch', '/v1/import', '/v1/b', '/v1/records']);
export const SINGLE_EVENT_ROUTES: ReadonlySet<string> = new Set([
  '/v1/track',
  '/v1/identify',
  '/v1/page',
  '/v1/screen',
  '/v1/group',
  '/v1/alias',
  '/v1/t',
  '/v1/i',
  '/v1/p',
  '/v1/s',
  '/v1/g',
  '/v1/a',
]);

/** The decompressed body limit of a route (its pattern, e.g. "/v1/batch"). */
export function bodyLimitFor(route: string | undefined): number {
  if (route !== undefined && BATCH_ROUTES.has(route)) return BATCH_LIMIT_BYTES;
  if (route !== undefined && SINGLE_EVENT_ROUTES.has(route)) return EVENT_LIMIT_BYTES;
  return DEFAULT_LIMIT_BYTES;
}

export function describeBytes(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}
