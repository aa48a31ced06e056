import { readCommitted, type ReadMessage } from '@tessera/connector-sdk';
import { RecordingHttpServer, type RecordedRequest, type ScriptedReply, eventually } from '@tessera/testing';
import { httpApiConnector } from './http-api.connector';
import type { HttpApiConfig } from './http-config';
import { FakeCustomersApi } from '../test-support/fake-customers-api';

// Rate limits and failures in the middle of a paginated read: the read waits, then goes on from the same page.
const api = new FakeCustomersApi(() => true);
let server: RecordingHttpServer;
const arrivals: number[] = [];

beforeAll(() => {
  for (let i = 1; i <= 10; i += 1) api.upsert(`C-${String(i).padStart(3, '0')}`);
});
afterEach(() => server.stop());

/** Serves the fake API, except that request number `index` (0-based) gets the scripted failure (made when it arrives). */
async function serve(failures: Record<number, ScriptedReply | ((arrival: number) => ScriptedReply)>): Promise<void> {
  arrivals.length = 0;
  server = await new RecordingHttpServer((request: RecordedRequest, index: number) => {
    arrivals.push(Date.now());
    const failure = failures[index];
    return (typeof failure === 'function' ? failure(arrivals[index]) : failure) ?? api.respond(request);
  }).start();
}

const config = (overrides: Partial<HttpApiConfig> = {}): HttpApiConfig => ({
  baseUrl: server.url('/'),
  retry: { baseDelayMs: 20, maxDelayMs: 200 },
  streams: [
    {
      name: 'customers',
      path: '/v1/customers',
      query: { paging: 'cursor', per_page: '4' },
      recordsPath: '$.data[*]',
      primaryKey: ['id'],
      cursorField: 'updated_at',
      pagination: { type: 'cursor', nextCursorPath: '$.meta.next', cursorParam: 'after' },
    },
  ],
  ...overrides,
});

const allKeys = (): string[] => [...api.rows.keys()].sort();
const pages = (): string[] => server.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('after') ?? 'first');

describe('http connector under rate limits and failures', () => {
  it('waits out a 429 with Retry-After in seconds mid-pagination, then reads the same page again: no record lost or repeated', async () => {
    await serve({ 1: { status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } } });
    const read = await readCommitted(httpApiConnector, config(), 'customers', null);

    expect(read.records.map((r) => r.rowKey)).toEqual(allKeys());
    expect(pages()).toEqual(['first', 'NA', 'NA', 'OA']); // the second page, refused, then asked again
    expect(arrivals[2] - arrivals[1]).toBeGreaterThanOrEqual(950);
  });

  it('honours a 503 whose Retry-After is an HTTP date', async () => {
    // two seconds after the 503 went out; HTTP dates have whole seconds, so that is 1 to 2 s of waiting
    const retryAt = (arrival: number): number => Math.floor((arrival + 2000) / 1000) * 1000;
    await serve({ 0: (arrival) => ({ status: 503, headers: { 'retry-after': new Date(retryAt(arrival)).toUTCString() } }) });
    const read = await readCommitted(httpApiConnector, config(), 'customers', null);

    expect(read.records.map((r) => r.rowKey)).toEqual(allKeys());
    expect(arrivals[1]).toBeGreaterThanOrEqual(retryAt(arrivals[0]) - 5); // timers may fire a millisecond early
  });

  it('retries 5xx answers and a dropped connection with backoff, then succeeds', async () => {
    await serve({ 1: { status: 500 }, 2: 'reset', 3: { status: 502 } });
    const read = await readCommitted(httpApiConnector, config(), 'customers', null);

    expect(read.records.map((r) => r.rowKey)).toEqual(allKeys());
    expect(pages()).toEqual(['first', 'NA', 'NA', 'NA', 'NA', 'OA']);
  });

  it('gives up after maxAttempts and names the last answer', async () => {
    await serve({ 1: { status: 500 }, 2: { status: 500 }, 3: { status: 500 } });
    const read = readCommitted(httpApiConnector, config({ retry: { maxAttempts: 3, baseDelayMs: 10 } }), 'customers', null);

    await expect(read).rejects.toThrow(/answered 500 Internal Server Error, still after 3 attempts/);
    expect(server.requests).toHaveLength(4);
  });

  it('check retries once, not maxAttempts times: someone is waiting for its answer', async () => {
    await serve({ 0: { status: 503 }, 1: { status: 503 } });
    const result = await httpApiConnector.check(config());

    expect(result).toEqual({ ok: false, message: expect.stringContaining('answered 503 Service Unavailable, still after 2 attempts') });
    expect(server.requests).toHaveLength(2);
  });

  it('times out a request that never answers and tries again', async () => {
    await serve({ 0: 'hang' });
    const started = Date.now();
    const read = await readCommitted(httpApiConnector, config({ timeoutMs: 300 }), 'customers', null);

    expect(read.records.map((r) => r.rowKey)).toEqual(allKeys());
    expect(server.requests[1].path).toBe(server.requests[0].path); // the first page, asked again
    expect(arrivals[1] - started).toBeGreaterThanOrEqual(300);
  });

  it('refuses a Retry-After longer than maxRetryAfterMs rather than stall the run', async () => {
    await serve({ 0: { status: 429, headers: { 'retry-after': '3600' } } });
    const read = readCommitted(httpApiConnector, config({ retry: { maxRetryAfterMs: 60_000 } }), 'customers', null);
    await expect(read).rejects.toThrow(/Retry-After asks for 3600000 ms/);
  });

  it('stops waiting when the run is aborted during a Retry-After wait', async () => {
    await serve({ 1: { status: 429, headers: { 'retry-after': '60' } } });
    const controller = new AbortController();
    const seen: ReadMessage[] = [];
    const reading = (async () => {
      for await (const message of httpApiConnector.read(config(), 'customers', null, { signal: controller.signal })) seen.push(message);
    })();
    await eventually(() => server.requests.length === 2, 5_000, 'condition', 5);
    const abortedAt = Date.now();
    controller.abort();

    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(server.requests).toHaveLength(2);
    expect(seen.filter((m) => m.type === 'checkpoint')).toHaveLength(1); // the first page stays committed
  });
});
