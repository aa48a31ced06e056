import type { SendResult } from '../destination';
import { classifyHttpReply, type HttpReply } from '../http/http-reply';

interface GoogleStatusBody {
  error?: { details?: { '@type'?: string; retryDelay?: string }[] };
}

/**
 * Google Ads REST errors are google.rpc.Status: UNAUTHENTICATED (401) and PERMISSION_DENIED (403, e.g. a developer
 * token not approved) are auth failures, RESOURCE_EXHAUSTED (429) and 5xx retries, INVALID_ARGUMENT (400) terminal.
 * A throttle says when to come back in a google.rpc.RetryInfo detail ("retryDelay": "30s") rather than Retry-After.
 */
export function classifyGoogleReply(reply: HttpReply, nowMs: number): SendResult {
  const result = classifyHttpReply(reply, nowMs);
  if (result.outcome !== 'retry' || result.retryAfterMs !== undefined) return result;
  const retryAfterMs = retryDelayMs(reply.bodyText);
  return retryAfterMs === undefined ? result : { ...result, retryAfterMs };
}

function retryDelayMs(bodyText: string): number | undefined {
  try {
    const details = (JSON.parse(bodyText) as GoogleStatusBody).error?.details ?? [];
    const delay = details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
    const match = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  } catch {
    return undefined;
  }
}
