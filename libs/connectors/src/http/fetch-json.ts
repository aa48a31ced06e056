import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, parseRetryAfter } from '@tessera/http-retry';
import type { HttpRetryConfig } from './http-config';
import { HttpApiError } from './http-api.error';

export interface JsonRequest {
  url: string;
  headers: Record<string, string>;
}

export interface JsonResponse {
  url: string;
  headers: Headers;
  body: unknown;
}

export interface FetchPolicy {
  timeoutMs: number;
  retry: Required<HttpRetryConfig>;
  /** The run's signal: aborts a request in flight and a wait between attempts. */
  signal?: AbortSignal;
  now?: () => number;
  random?: () => number;
}

type Attempt =
  | { kind: 'ok'; response: JsonResponse }
  | { kind: 'retry'; error: HttpApiError; retryAfterMs?: number }
  | { kind: 'fatal'; error: HttpApiError };

/**
 * GET a JSON document. 429 and 503 wait what Retry-After says (seconds or an HTTP date); other 5xx, 408, a timeout
 * or a network error back off exponentially. At most `maxAttempts` attempts, each under its own timeout.
 */
export async function fetchJson(request: JsonRequest, policy: FetchPolicy): Promise<JsonResponse> {
  const { retry, signal } = policy;
  for (let attempt = 1; ; attempt += 1) {
    signal?.throwIfAborted();
    const outcome = await attemptOnce(request, policy);
    if (outcome.kind === 'ok') return outcome.response;
    if (outcome.kind === 'fatal') throw outcome.error;
    if (attempt >= retry.maxAttempts) {
      throw new HttpApiError(`${outcome.error.message}, still after ${attempt} attempts`, outcome.error.status);
    }
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > retry.maxRetryAfterMs) {
      throw new HttpApiError(
        `${outcome.error.message}: Retry-After asks for ${outcome.retryAfterMs} ms, more than maxRetryAfterMs`,
        outcome.error.status,
      );
    }
    await sleep(
      outcome.retryAfterMs ?? backoffDelayMs(attempt, { baseMs: retry.baseDelayMs, maxMs: retry.maxDelayMs }, policy.random),
      undefined,
      { signal },
    );
  }
}

async function attemptOnce(request: JsonRequest, policy: FetchPolicy): Promise<Attempt> {
  const timeout = AbortSignal.timeout(policy.timeoutMs);
  const signal = policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout;
  const where = `GET ${redactQuery(request.url)}`;
  let status: number | undefined;
  try {
    // Redirects are not followed: an API-key header would go wherever a 3xx points.
    const response = await fetch(request.url, { headers: { accept: 'application/json', ...request.headers }, signal, redirect: 'manual' });
    status = response.status;
    const text = await response.text();
    if (response.ok) return parseBody(request.url, response.headers, text, where);
    return classify(response, text, where, (policy.now ?? Date.now)());
  } catch (error) {
    policy.signal?.throwIfAborted();
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = timeout.aborted ? `no answer within ${policy.timeoutMs} ms` : (cause?.code ?? cause?.message ?? String(error));
    return { kind: 'retry', error: new HttpApiError(`${where} failed: ${reason}`, status) };
  }
}

function parseBody(url: string, headers: Headers, text: string, where: string): Attempt {
  try {
    return { kind: 'ok', response: { url, headers, body: JSON.parse(text) as unknown } };
  } catch {
    return { kind: 'fatal', error: new HttpApiError(`${where} answered a body that is not JSON: ${text.slice(0, 120)}`) };
  }
}

function classify(response: Response, text: string, where: string, nowMs: number): Attempt {
  const status = response.status;
  const error = new HttpApiError(`${where} answered ${status} ${response.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`, status);
  if (status === 401 || status === 403) {
    return { kind: 'fatal', error: new HttpApiError(`${where}: the API rejected the credentials (${status})`, status) };
  }
  if (status === 429 || status === 408 || status >= 500) {
    return { kind: 'retry', error, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), nowMs) };
  }
  if (status >= 300 && status < 400) {
    const to = response.headers.get('location');
    return { kind: 'fatal', error: new HttpApiError(`${where} redirected (${status}) to ${to}: point baseUrl there`, status) };
  }
  return { kind: 'fatal', error };
}

/** Query values may hold an API key some APIs take as a parameter: errors name the parameters, not their values. */
function redactQuery(url: string): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '…');
  return parsed.toString();
}
