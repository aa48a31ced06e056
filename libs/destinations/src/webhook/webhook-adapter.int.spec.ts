import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { RecordingHttpServer } from '@tessera/testing';
import { deliveryBatch, itemsFrom, noAbort } from '../test-support/delivery-fixtures';
import { WebhookAdapter } from './webhook-adapter';
import type { WebhookBody } from './webhook-body';
import type { WebhookConfig } from './webhook-config';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const deps = { fetch, now: () => Date.now() };

describe('WebhookAdapter against a real local HTTP server', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await new RecordingHttpServer().start();
  });
  afterEach(async () => {
    await server.stop();
  });

  const adapter = (config: Partial<WebhookConfig> = {}) =>
    new WebhookAdapter({ url: server.url('/hooks'), ...config }, { signingSecret: secret }, deps);

  it('signs so that a standardwebhooks receiver verifies it, with webhook-id = Idempotency-Key = batch id', async () => {
    const result = await adapter({ headers: { 'x-tenant': 'acme' } }).send(deliveryBatch('batch-1', itemsFrom(1, 3)), noAbort());
    expect(result).toEqual({ outcome: 'delivered', status: 200 });
    const [request] = server.requests;
    expect(request.headers['webhook-id']).toBe('batch-1');
    expect(request.headers['idempotency-key']).toBe('batch-1');
    expect(request.headers['x-tenant']).toBe('acme');
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const verified = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as WebhookBody;
    expect(verified.batchId).toBe('batch-1');
    expect(verified.items.map((i) => i.deliveryId)).toEqual(['dlv-1', 'dlv-2', 'dlv-3']);

    const tampered = request.body.replace('dlv-1', 'dlv-9');
    expect(() => new Webhook(secret).verify(tampered, request.headers as Record<string, string>)).toThrow(WebhookVerificationError);
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(request.body, request.headers as Record<string, string>)).toThrow(
      WebhookVerificationError,
    );
  });

  it('keeps the same idempotency key on every attempt and re-signs each one', async () => {
    server.respondWith((_r, i) => (i < 3 ? { status: 500, body: 'boom' } : { status: 204 }));
    const hook = adapter();
    const batch = deliveryBatch('batch-retry', itemsFrom(1, 2));
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await hook.send(batch, noAbort())).outcome);
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'delivered']);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['batch-retry']));
    for (const r of server.requests) expect(() => new Webhook(secret).verify(r.body, r.headers as Record<string, string>)).not.toThrow();
  });

  it('classifies 429 with Retry-After seconds, 503 with an HTTP date, and 408 as retries', async () => {
    const hook = adapter();
    const batch = deliveryBatch('b', itemsFrom(1, 1));
    server.respondWith(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    expect(await hook.send(batch, noAbort())).toMatchObject({ outcome: 'retry', status: 429, retryAfterMs: 7000 });
    const later = new Date(Date.now() + 120_000).toUTCString();
    server.respondWith(() => ({ status: 503, headers: { 'retry-after': later } }));
    const r = await hook.send(batch, noAbort());
    expect(r.outcome).toBe('retry');
    expect((r as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000);
    expect((r as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(120_000);
    server.respondWith(() => ({ status: 408 }));
    expect(await hook.send(batch, noAbort())).toMatchObject({ outcome: 'retry', status: 408 });
  });

  it('reports 401 and 403 as auth failures, in words, not as internal errors', async () => {
    const hook = adapter();
    server.respondWith(() => ({ status: 401, body: 'token expired' }));
    expect(await hook.send(deliveryBatch('b', itemsFrom(1, 1)), noAbort())).toEqual({
      outcome: 'auth_failed',
      status: 401,
      error: 'destination rejected the credentials: 401 Unauthorized: token expired',
    });
    server.respondWith(() => ({ status: 403 }));
    expect(await hook.send(deliveryBatch('b', itemsFrom(1, 1)), noAbort())).toMatchObject({ outcome: 'auth_failed', status: 403 });
  });

  it('treats other 4xx as terminal and does not follow redirects', async () => {
    const hook = adapter();
    server.respondWith(() => ({ status: 422, body: { error: 'bad shape' } }));
    expect(await hook.send(deliveryBatch('b', itemsFrom(1, 1)), noAbort())).toMatchObject({ outcome: 'terminal', status: 422 });
    server.respondWith(() => ({ status: 301, headers: { location: 'http://elsewhere.example/' } }));
    const r = await hook.send(deliveryBatch('b', itemsFrom(1, 1)), noAbort());
    expect(r).toMatchObject({ outcome: 'terminal', status: 301 });
    expect(server.requests).toHaveLength(2);
  });

  it('turns a hanging receiver into a retry after the timeout, and honours the dispatcher abort', async () => {
    server.respondWith(() => 'hang');
    const started = Date.now();
    const r = await adapter({ timeoutMs: 300 }).send(deliveryBatch('b', itemsFrom(1, 1)), noAbort());
    expect(r).toEqual({ outcome: 'retry', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(5_000);

    const controller = new AbortController();
    const pending = adapter({ timeoutMs: 60_000 }).send(deliveryBatch('b', itemsFrom(1, 1)), { signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ outcome: 'retry', error: 'attempt aborted by the dispatcher' });
  });

  it('turns a dropped connection and a closed port into retries', async () => {
    server.respondWith(() => 'reset');
    const reset = await adapter().send(deliveryBatch('b', itemsFrom(1, 1)), noAbort());
    expect(reset.outcome).toBe('retry');
    const url = server.url('/hooks');
    await server.stop();
    const refused = await new WebhookAdapter({ url }, { signingSecret: secret }, deps).send(deliveryBatch('b', itemsFrom(1, 1)), noAbort());
    expect(refused).toMatchObject({ outcome: 'retry' });
    expect((refused as { error: string }).error).toMatch(/could not reach the destination \(ECONNREFUSED/);
    server = await new RecordingHttpServer().start();
  });

  it('lists an audience from membersUrl when configured, and has no listing without it', async () => {
    expect(adapter().listMembers).toBeUndefined();
    server.respondWith((r) => (r.path.startsWith('/members') ? { status: 200, body: { profileIds: ['p-1', 'p-2'] } } : { status: 200 }));
    const listing = adapter({ membersUrl: server.url('/members?tenant=acme') });
    expect(await listing.listMembers!('sync-1', noAbort())).toEqual(['p-1', 'p-2']);
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/members?tenant=acme&audience=sync-1' });
    server.respondWith(() => ({ status: 503 }));
    await expect(listing.listMembers!('sync-1', noAbort())).rejects.toThrow(/HTTP 503/);
    server.respondWith(() => ({ status: 200, body: { members: [] } }));
    await expect(listing.listMembers!('sync-1', noAbort())).rejects.toThrow(/profileIds/);
  });
});
