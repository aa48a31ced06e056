import { createHash } from 'node:crypto';
import { basicAuth, type CreatedSource, type GatewayHarness } from '../test-support/gateway-harness';
import type { TopicTail } from '../test-support/topic-tail';
import { useTrackingGateway } from '../test-support/tracking-gateway.fixture';
import { DirectTrackingRoutes } from './direct-tracking-routes';

describe('ingest-gateway tracking API (real HTTP, embedded broker and Postgres)', () => {
  const env = useTrackingGateway();
  let gateway: GatewayHarness;
  let tail: TopicTail;
  let web: CreatedSource;
  let auth: Record<string, string>;
  beforeAll(() => ({ gateway, tail, web, auth } = env));

  it('is ready and serves its OpenAPI document with the tracking routes', async () => {
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    const openapi = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody?: unknown } }>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/v1/track', '/v1/batch', '/v1/import', '/v1/records', '/v1/sources']),
    );
    expect(JSON.stringify(openapi.paths['/v1/batch'].post?.requestBody)).toContain('"maxItems":2500');
    expect(JSON.stringify(openapi.paths['/v1/records'].post?.requestBody)).toContain('recordId');
  });

  it('serves every tracking route straight from Fastify (the controller declares them for Nest and OpenAPI)', () => {
    const served = gateway.service.app.get(DirectTrackingRoutes).servedPaths;
    const paths = ['track', 't', 'identify', 'i', 'page', 'p', 'screen', 's', 'group', 'g', 'alias', 'a', 'batch', 'import', 'b'];
    expect([...served].sort()).toEqual(paths.map((path) => `/v1/${path}`).sort());
  });

  it.each([
    ['track', { userId: 'u-1', event: 'Order Completed', properties: { revenue: 12.5 } }],
    ['identify', { userId: 'u-1', traits: { email: 'a@example.com' } }],
    ['page', { anonymousId: 'anon-1', name: 'Home', category: 'Marketing', properties: { path: '/' } }],
    ['screen', { anonymousId: 'anon-1', name: 'Settings' }],
    ['group', { userId: 'u-1', groupId: 'g-1', traits: { plan: 'pro' } }],
    ['alias', { userId: 'u-1', previousId: 'anon-1' }],
  ])('POST /v1/%s answers { success: true } only once the event is on cdp.events.raw', async (type, payload) => {
    const messageId = `endpoint-${type}-${Date.now()}`;
    const res = await gateway.post(
      `/v1/${type}`,
      { ...payload, messageId, context: { ip: '1.2.3.4' }, timestamp: '2026-01-01T00:00:00Z', channel: 'server' },
      auth,
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    const [landed] = await tail.waitFor(() => tail.eventsWith(messageId).length > 0 && tail.eventsWith(messageId), `${type} event`);
    expect(landed.value).toMatchObject({
      messageId,
      sourceId: web.source.id,
      type,
      timestamp: '2026-01-01T00:00:00Z',
      context: JSON.stringify({ ip: '1.2.3.4' }),
      extra: JSON.stringify({ channel: 'server' }),
    });
    expect(landed.key).toBe((payload as { userId?: string }).userId ?? (payload as { anonymousId?: string }).anonymousId);
    expect(landed.value.sourceId).toBe(web.source.id);
    expect(Math.abs(Number(landed.value.receivedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('stamps a messageId when there is none, and takes the write key from the body; the endpoint fixes the type', async () => {
    const res = await gateway.post('/v1/track', { writeKey: web.writeKey, userId: 'stamp-me', event: 'Signed Up', type: 'identify' });
    expect(res.status).toBe(200);
    const landed = await tail.waitFor(() => tail.events.find((e) => e.value.userId === 'stamp-me'), 'stamped event');
    expect(landed.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(landed.value.type).toBe('track');
    expect(landed.value.extra).toBeNull();
    expect(JSON.stringify(landed.value)).not.toContain(web.writeKey);
  });

  it('answers on the one-letter paths analytics.js uses, with the key in a text/plain body', async () => {
    const messageId = `short-path-${Date.now()}`;
    const res = await gateway.post(
      '/v1/t',
      JSON.stringify({ writeKey: web.writeKey, anonymousId: 'browser-1', event: 'Clicked', messageId }),
      { 'content-type': 'text/plain;charset=UTF-8' },
    );
    expect(res).toMatchObject({ status: 200, json: { success: true } });
    const batched = await gateway.post('/v1/b', {
      writeKey: web.writeKey,
      batch: [{ type: 'page', anonymousId: 'browser-1', messageId: `${messageId}-b` }],
    });
    expect(batched.status).toBe(200);
    const landed = await tail.waitFor(() => tail.eventsWith(messageId).length === 2 && tail.eventsWith(messageId), 'short-path events');
    expect(landed.map((e) => e.value.type).sort()).toEqual(['page', 'track']);
  });

  it('accepts the dev source key from TESSERA_DEV_WRITE_KEY', async () => {
    const res = await gateway.post(
      '/v1/track',
      { userId: 'dev-user', event: 'Dev', messageId: 'dev-msg-1' },
      { authorization: basicAuth('dev-write-key-for-tests') },
    );
    expect(res.status).toBe(200);
    const landed = await tail.waitFor(() => tail.events.find((e) => e.value.messageId === 'dev-msg-1'), 'dev event');
    expect(landed.value.sourceId).toBe('dev');
  });

  it('splits a batch into one event per item, lending batch context, integrations and sentAt (the item wins)', async () => {
    const prefix = `batch-${Date.now()}-`;
    const res = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'b-1', event: 'A', messageId: `${prefix}0`, context: { locale: 'fr' } },
          { type: 'identify', anonymousId: 'b-anon', traits: { x: 1 }, messageId: `${prefix}1`, sentAt: '2026-01-01T00:00:05Z' },
          // A placeholder id is validation's to judge (its blocked-identifier rules): the gateway passes it on.
          { type: 'page', userId: 'anonymous', messageId: `${prefix}2` },
        ],
        context: { library: { name: 'analytics-node' }, locale: 'en' },
        integrations: { All: true },
        sentAt: '2026-01-01T00:00:10Z',
      },
      auth,
    );
    expect(res).toMatchObject({ status: 200, json: { success: true } });
    const landed = await tail.waitFor(() => tail.eventsWith(prefix).length === 3 && tail.eventsWith(prefix), 'batch events');
    const byId = new Map(landed.map((e) => [e.value.messageId, e]));
    expect(JSON.parse(byId.get(`${prefix}0`)!.value.context!)).toEqual({ library: { name: 'analytics-node' }, locale: 'fr' });
    expect(byId.get(`${prefix}0`)!.value.sentAt).toBe('2026-01-01T00:00:10Z');
    expect(byId.get(`${prefix}1`)!.value).toMatchObject({ type: 'identify', sentAt: '2026-01-01T00:00:05Z', integrations: '{"All":true}' });
    expect(byId.get(`${prefix}1`)!.key).toBe('b-anon');
    expect(byId.get(`${prefix}2`)!.value).toMatchObject({ type: 'page', userId: 'anonymous', anonymousId: null });
    // No headers: the value names its schema, and validation tells a copy by (source, messageId).
    landed.forEach((e) => expect(e.headers).toEqual({}));
  });

  it('gives each event without messageId a UUID of its own', async () => {
    const marker = `no-id-${Date.now()}`;
    const res = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: marker, event: 'A' },
          { type: 'track', userId: marker, event: 'B' },
        ],
      },
      auth,
    );
    expect(res.status).toBe(200);
    const landed = await tail.waitFor(() => {
      const found = tail.events.filter((e) => e.value.userId === marker);
      return found.length === 2 && found;
    }, 'stamped events');
    for (const event of landed) expect(event.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(landed[0].value.messageId).not.toBe(landed[1].value.messageId);
  });

  describe('authentication', () => {
    it.each([
      ['no key at all', {}, {}, 'missing write key'],
      ['an unknown key', { authorization: basicAuth('nope') }, {}, 'invalid write key'],
      ['an unknown key in the body', {}, { writeKey: 'nope' }, 'invalid write key'],
      ['a Bearer header', { authorization: 'Bearer abc' }, {}, 'Basic'],
      ['an empty Basic username', { authorization: basicAuth('') }, {}, 'missing write key'],
    ])('401 JSON for %s', async (_label, headers, extraBody, message) => {
      const res = await gateway.post('/v1/track', { userId: 'x', event: 'E', ...extraBody }, headers);
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ statusCode: 401, error: 'Unauthorized', path: '/v1/track' });
      expect(res.json.message).toContain(message);
    });

    it('401 for a disabled source, and works again once enabled; a rotated key replaces the old one', async () => {
      const created = await gateway.createSource('to disable');
      const key = { authorization: basicAuth(created.writeKey) };
      expect((await gateway.post('/v1/track', { userId: 'd', event: 'E' }, key)).status).toBe(200);
      const disabled = await gateway.admin('POST', `/v1/sources/${created.source.id}/disable`);
      expect(disabled).toMatchObject({ status: 200, json: { id: created.source.id, enabled: false } });
      const refused = await gateway.post('/v1/track', { userId: 'd', event: 'E' }, key);
      expect(refused.status).toBe(401);
      expect(refused.json.message).toContain('disabled');
      expect((await gateway.admin('POST', `/v1/sources/${created.source.id}/enable`)).status).toBe(200);
      expect((await gateway.post('/v1/track', { userId: 'd', event: 'E' }, key)).status).toBe(200);

      const rotated = await gateway.admin('POST', `/v1/sources/${created.source.id}/rotate-key`);
      expect(rotated.status).toBe(200);
      expect(rotated.json.writeKey).not.toBe(created.writeKey);
      expect(rotated.json.source.keyRotatedAt).toEqual(expect.any(String));
      expect((await gateway.post('/v1/track', { userId: 'd', event: 'E' }, key)).status).toBe(401);
      expect(
        (await gateway.post('/v1/track', { userId: 'd', event: 'E' }, { authorization: basicAuth(rotated.json.writeKey) })).status,
      ).toBe(200);
    });
  });

  describe('admin API', () => {
    it('needs the admin bearer token', async () => {
      const res = await fetch(`${gateway.url}/v1/sources`);
      expect(res.status).toBe(401);
      const wrong = await fetch(`${gateway.url}/v1/sources`, { headers: { authorization: 'Bearer wrong' } });
      expect(wrong.status).toBe(401);
    });

    it('lists sources without keys or digests; stores only a SHA-256 of each key', async () => {
      const listed = await gateway.admin('GET', '/v1/sources');
      expect(listed.status).toBe(200);
      const ids = (listed.json.sources as { id: string }[]).map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining(['dev', web.source.id]));
      expect(JSON.stringify(listed.json)).not.toContain(web.writeKey);
      expect(Object.keys(listed.json.sources[0]).sort()).toEqual([
        'createdAt',
        'enabled',
        'id',
        'keyRotatedAt',
        'name',
        'rateLimit',
        'updatedAt',
      ]);
      const { rows } = await gateway.schema.pool.query<{ digest: Buffer }>('SELECT write_key_sha256 AS digest FROM sources WHERE id = $1', [
        web.source.id,
      ]);
      expect(rows[0].digest.toString('hex')).toBe(createHash('sha256').update(web.writeKey).digest('hex'));
    });

    it('validates admin bodies with the path of the problem, and 404s unknown sources', async () => {
      const bad = await gateway.admin('POST', '/v1/sources', { name: '', extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.json.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.any(String) })]));
      const missing = await gateway.admin('POST', '/v1/sources/nope/disable');
      expect(missing.status).toBe(404);
    });
  });

  it('rate-limits per source with 429 and Retry-After, using the source override', async () => {
    const limited = await gateway.createSource('limited', { eventsPerSecond: 1, burst: 3 });
    const key = { authorization: basicAuth(limited.writeKey) };
    const batch = (n: number) => ({ batch: Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `r${i}`, event: 'E' })) });
    expect((await gateway.post('/v1/batch', batch(3), key)).status).toBe(200);
    const refused = await gateway.post('/v1/batch', batch(2), key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.json.message).toContain('1 events/s');
    // Other sources are not affected.
    expect((await gateway.post('/v1/track', { userId: 'u', event: 'E' }, auth)).status).toBe(200);
    const patched = await gateway.admin('PATCH', `/v1/sources/${limited.source.id}`, { rateLimit: null });
    expect(patched).toMatchObject({ status: 200, json: { rateLimit: null } });
    expect((await gateway.post('/v1/batch', batch(2), key)).status).toBe(200);
  });

  it('exposes accepted and rejected counts and produce latency as metrics', async () => {
    const tooLarge = await gateway.post('/v1/track', { userId: 'u', event: 'E', properties: { blob: 'x'.repeat(33 * 1024) } }, auth);
    expect(tooLarge.status).toBe(400);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_ingest_gateway_events_accepted_total\{endpoint="track"[^}]*\} \d+/);
    expect(metrics).toMatch(/tessera_ingest_gateway_events_rejected_total\{endpoint="track",reason="unauthorized"[^}]*\} \d+/);
    expect(metrics).toContain('tessera_ingest_gateway_produce_ack_duration_seconds_bucket');
    expect(metrics).toMatch(/tessera_ingest_gateway_request_bodies_rejected_total\{route="\/v1\/track",reason="too_large"/);
    expect(metrics).toContain('tessera_ingest_gateway_rate_limited_requests_total');
  });
});
