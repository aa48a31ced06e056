import type { SendResult } from '../destination';
import { parseRetryAfter } from '@tessera/http-retry';

/** What a destination answered, read fully so the connection goes back to the pool. */
export interface HttpReply {
  status: number;
  statusText: string;
  headers: Headers;
  bodyText: string;
}

const SNIPPET_CHARS = 300;

/** The start of a response body for an error message: enough to explain, never a whole HTML page. */
export function bodySnippet(bodyText: string): string {
  const oneLine = bodyText.replace(/\s+/g, ' ').trim();
  return oneLine.length > SNIPPET_CHARS ? `${oneLine.slice(0, SNIPPET_CHARS)}…` : oneLine;
}

function describe(reply: HttpReply): string {
  const snippet = bodySnippet(reply.bodyText);
  return `${reply.status}${reply.statusText ? ` ${reply.statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
}

/** Statuses worth another attempt: the request may succeed later as it stands. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The one classification every HTTP destination shares:
 * 2xx delivered; 408, 429 and 5xx retry (honouring Retry-After); 401/403 auth_failed, named as such so an expired
 * token never reads as an internal error; 3xx terminal (a POST must not be silently re-sent elsewhere); any other
 * 4xx terminal, since sending the same request again cannot succeed.
 */
export function classifyHttpReply(reply: HttpReply, nowMs: number): SendResult {
  const { status } = reply;
  if (status >= 200 && status < 300) return { outcome: 'delivered', status };
  if (isRetryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), nowMs);
    return {
      outcome: 'retry',
      status,
      error: `destination answered ${describe(reply)}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status === 401 || status === 403) {
    return { outcome: 'auth_failed', status, error: `destination rejected the credentials: ${describe(reply)}` };
  }
  if (status >= 300 && status < 400) {
    const location = reply.headers.get('location');
    return { outcome: 'terminal', status, error: `destination redirected (${status}${location ? ` to ${location}` : ''}); update the URL` };
  }
  return { outcome: 'terminal', status, error: `destination refused the request: ${describe(reply)}` };
}
