import type { SendResult } from '../destination';
import { bodySnippet, classifyHttpReply, type HttpReply } from '../http/http-reply';
import { parseRetryAfter } from '@tessera/http-retry';

/** Graph API error codes (developers.facebook.com/docs/graph-api/guides/error-handling). */
const AUTH_CODES = new Set([102, 190, 10, 200, 294]);
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80003, 80004]);
const TRANSIENT_CODES = new Set([1, 2]);

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_msg?: string;
}

function graphError(reply: HttpReply): GraphError | undefined {
  try {
    return (JSON.parse(reply.bodyText) as { error?: GraphError }).error;
  } catch {
    return undefined;
  }
}

/**
 * Meta answers most failures with 400 and an error code, so status alone misleads: an expired token (190) is an auth
 * failure, a throttle (4, 17, 32, 613, 80003) a retry. Without a Graph error body the generic HTTP rules apply.
 */
export function classifyGraphReply(reply: HttpReply, nowMs: number): SendResult {
  const error = graphError(reply);
  if (reply.status < 300 || !error || error.code === undefined) return classifyHttpReply(reply, nowMs);
  const text = `${reply.status} (code ${error.code}${error.error_subcode ? `/${error.error_subcode}` : ''}): ${bodySnippet(error.error_user_msg ?? error.message ?? '')}`;
  if (AUTH_CODES.has(error.code))
    return { outcome: 'auth_failed', status: reply.status, error: `destination rejected the credentials: ${text}` };
  if (THROTTLE_CODES.has(error.code) || TRANSIENT_CODES.has(error.code) || reply.status >= 500) {
    const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'), nowMs);
    return {
      outcome: 'retry',
      status: reply.status,
      error: `Meta asked to retry: ${text}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  return { outcome: 'terminal', status: reply.status, error: `Meta refused the request: ${text}` };
}
