import { STATUS_CODES } from 'node:http';

/** The JSON body of every HTTP error a Tessera service returns. */
export interface ErrorBody {
  statusCode: number;
  /** The HTTP reason phrase, e.g. "Unauthorized". */
  error: string;
  /** What is wrong, in words a caller can act on. */
  message: string;
  /** Where: the request path (without query string, which may carry credentials). */
  path: string;
  /** Field-level details, when the failure has several parts (e.g. validation errors). */
  details?: unknown[];
}

export function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error';
}

export function pathWithoutQuery(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
