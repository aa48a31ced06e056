import type { SendResult } from '../destination';
import type { HttpReply } from './http-reply';

export type FetchFn = typeof fetch;

export interface HttpCall {
  url: string;
  method: 'POST' | 'DELETE' | 'GET' | 'PUT';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The dispatcher's signal: aborted on its own deadline or at shutdown. */
  signal: AbortSignal;
}

/**
 * One HTTP exchange with undici (Node's fetch). Everything that is not an HTTP answer becomes a retry: a refused or
 * reset connection, a DNS failure, our timeout, the dispatcher's abort. Redirects are not followed (see
 * classifyHttpReply). The body is read to the end so the keep-alive socket is reused.
 */
export async function httpCall(fetchFn: FetchFn, call: HttpCall): Promise<HttpReply | SendResult> {
  const signal = AbortSignal.any([call.signal, AbortSignal.timeout(call.timeoutMs)]);
  try {
    const response = await fetchFn(call.url, { method: call.method, headers: call.headers, body: call.body, signal, redirect: 'manual' });
    const bodyText = await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, bodyText };
  } catch (error) {
    return { outcome: 'retry', error: describeFailure(error, call) };
  }
}

export function isHttpReply(value: HttpReply | SendResult): value is HttpReply {
  return (value as HttpReply).status !== undefined && (value as SendResult).outcome === undefined;
}

function describeFailure(error: unknown, call: HttpCall): string {
  if (call.signal.aborted) return 'attempt aborted by the dispatcher';
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${call.timeoutMs} ms`;
  if (err?.name === 'AbortError') return `no answer within ${call.timeoutMs} ms`;
  const cause = err?.cause;
  const detail = cause ? `${cause.code ?? cause.name}: ${cause.message}` : (err?.message ?? String(error));
  return `could not reach the destination (${detail})`;
}
