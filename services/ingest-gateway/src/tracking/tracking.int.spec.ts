import { createTestSchema, createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { GatewayHarness, RAW_TOPICS, basicAuth, type CreatedSource } from '../test-support/gateway-harness';
import { TopicTail } from '../test-support/topic-tail';
import { DirectTrackingRoutes } from './direct-tracking-routes';

describe('ingest-gateway tracking API (real HTTP, embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let tail: TopicTail;
  let web: CreatedSource;
  let auth: Record<string, string>;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('ingest_gateway')).start({
      TESSERA_DEV_WRITE_KEY: 'dev-write-key-for-tests',
      INGEST_SOURCE_CACHE_TTL_MS: '60000',
    });
    tail = new TopicTail();
    await tail.start(broker.brokers);
    web = await gateway.createSource('web app');
    auth = { authorization: basicAuth(web.writeKey) };
  });

  afterAll(async () => {
    await tail?.stop();
    await gateway?.stop();
    await broker?.stop();
  });

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
    // Each event carries its own tessera-msg-id (what consumers dedupe redeliveries on).
    const msgIds = landed.map((e) => e.headers['tessera-msg-id']);
    expect(new Set(msgIds).size).toBe(3);
    msgIds.forEach((id) => expect(id).toMatch(/^[0-9a-f-]{36}$/));
  });

  it('answers 400 naming the field for a call that can never be processed, and produces nothing of its batch', async () => {
    const marker = `unprocessable-${Date.now()}`;
    const single = await gateway.post('/v1/track', { userId: marker, event: '  ', messageId: `${marker}-s` }, auth);
    expect(single).toMatchObject({
      status: 400,
      json: {
        message: 'a track call needs a non-empty event name',
        details: [{ path: '/event', message: 'a track call needs a non-empty event name' }],
      },
    });
    const nobody = await gateway.post('/v1/identify', { traits: { email: 'x@example.com' }, messageId: `${marker}-n` }, auth);
    expect(nobody).toMatchObject({
      status: 400,
      json: { details: [{ path: '/userId', message: 'a call needs a userId or an anonymousId' }] },
    });
    const batch = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: marker, event: 'Fine', messageId: `${marker}-0` },
          { type: 'alias', userId: marker, messageId: `${marker}-1` },
          { type: 'group', anonymousId: marker, messageId: `${marker}-2` },
          { type: 'purchase', userId: marker, messageId: `${marker}-3` },
          { userId: 7, event: 'Untyped', messageId: `${marker}-4` },
        ],
      },
      auth,
    );
    expect(batch.status).toBe(400);
    expect(batch.json.details).toEqual([
      { index: 1, path: '/batch/1/previousId', message: 'batch[1]: an alias call needs a previousId' },
      { index: 2, path: '/batch/2/groupId', message: 'batch[2]: a group call needs a groupId' },
      {
        index: 3,
        path: '/batch/3/type',
        message: 'batch[3]: "type" must be one of track, identify, page, screen, group, alias; got "purchase"',
      },
      { index: 4, path: '/batch/4/type', message: 'batch[4]: "type" must be one of track, identify, page, screen, group, alias; got none' },
    ]);
    // a later good call lands alone: nothing of the refused ones was produced before it
    const after = `${marker}-after`;
    expect((await gateway.post('/v1/track', { userId: marker, event: 'After', messageId: after }, auth)).status).toBe(200);
    await tail.waitFor(() => tail.eventsWith(after).length === 1, 'the good call');
    expect(tail.eventsWith(marker).map((e) => e.value.messageId)).toEqual([after]);
  });

  it('gives an event without messageId a UUID, which is also its tessera-msg-id', async () => {
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
    for (const event of landed) {
      expect(event.value.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.headers['tessera-msg-id']).toBe(event.value.messageId);
    }
    expect(landed[0].value.messageId).not.toBe(landed[1].value.messageId);
  });

  it('refuses a batch with invalid items as a whole, naming each index, and produces none of it', async () => {
    const prefix = `mixed-${Date.now()}-`;
    const res = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'ok', event: 'Fine', messageId: `${prefix}0` },
          'not an event',
          { type: 'track', userId: 'u', event: 'Fine too', messageId: `${prefix}2` },
          null,
        ],
      },
      auth,
    );
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, error: 'Bad Request', path: '/v1/batch' });
    expect(res.json.message).toContain('batch[1] must be a JSON object');
    expect(res.json.details).toEqual([
      { index: 1, message: expect.stringContaining('a string') },
      { index: 3, message: expect.stringContaining('null') },
    ]);

    const big = 'x'.repeat(33 * 1024);
    const oversized = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: 'ok', event: 'Fine', messageId: `${prefix}3` },
          { type: 'track', userId: 'u', event: 'Big', properties: { big } },
        ],
      },
      auth,
    );
    expect(oversized.status).toBe(400);
    expect(oversized.json.details).toEqual([{ index: 1, message: expect.stringContaining('32 KB per event limit') }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tail.eventsWith(prefix)).toHaveLength(0);
  });

  it('checks the batch shape', async () => {
    for (const [body, message] of [
      [{ batch: 'nope' }, '"batch" must be an array'],
      [{ batch: [] }, '"batch" is empty'],
      [{ batch: Array.from({ length: 2501 }, () => ({})) }, '2501 events; the limit is 2500'],
      [[1, 2], 'must be a JSON object'],
    ] as const) {
      const res = await gateway.post('/v1/batch', body, auth);
      expect(res.status).toBe(400);
      expect(res.json.message).toContain(message);
    }
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

  describe('limits and encodings', () => {
    it('400 for a single call over 32 KB, naming the limit', async () => {
      const res = await gateway.post('/v1/track', { userId: 'u', event: 'E', properties: { blob: 'x'.repeat(33 * 1024) } }, auth);
      expect(res.status).toBe(400);
      expect(res.json.message).toContain('32 KB limit');
    });

    it('400 for a batch over 500 KB', async () => {
      const batch = Array.from({ length: 40 }, () => ({
        type: 'track',
        userId: 'u',
        event: 'E',
        properties: { blob: 'y'.repeat(14 * 1024) },
      }));
      const res = await gateway.post('/v1/batch', { batch }, auth);
      expect(res.status).toBe(400);
      expect(res.json.message).toContain('500 KB limit');
    });

    it('400 for invalid JSON and for an empty body', async () => {
      const res = await gateway.post('/v1/track', '{"userId": "u", "event": ', auth);
      expect(res.status).toBe(400);
      expect(res.json.message).toContain('not valid JSON');
      const empty = await gateway.post('/v1/track', '', auth);
      expect(empty.status).toBe(400);
    });

    it('accepts gzip bodies (Content-Encoding: gzip)', async () => {
      const messageId = `gzip-${Date.now()}`;
      const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'gz', event: 'Zipped', messageId }] }));
      const res = await gateway.post('/v1/batch', body, { ...auth, 'content-encoding': 'gzip' });
      expect(res).toMatchObject({ status: 200, json: { success: true } });
      await tail.waitFor(() => tail.eventsWith(messageId).length === 1, 'gzip event');
    });

    it('refuses a gzip bomb by its decompressed size, and corrupt gzip, with JSON 400s', async () => {
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const res = await gateway.post('/v1/batch', bomb, { ...auth, 'content-encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.json.message).toContain('decompressed body exceeds the 500 KB limit');
      const corrupt = await gateway.post('/v1/batch', Buffer.from('not gzip at all'), { ...auth, 'content-encoding': 'gzip' });
      expect(corrupt.status).toBe(400);
      expect(corrupt.json.message).toContain('not valid gzip');
      const unknown = await gateway.post('/v1/batch', '{}', { ...auth, 'content-encoding': 'compress' });
      expect(unknown.status).toBe(415);
      expect(unknown.json.message).toContain('send gzip, deflate, br or no encoding');
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
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_ingest_gateway_events_accepted_total\{endpoint="track"[^}]*\} \d+/);
    expect(metrics).toMatch(/tessera_ingest_gateway_events_rejected_total\{endpoint="track",reason="unauthorized"[^}]*\} \d+/);
    expect(metrics).toContain('tessera_ingest_gateway_produce_ack_duration_seconds_bucket');
    expect(metrics).toMatch(/tessera_ingest_gateway_request_bodies_rejected_total\{route="\/v1\/track",reason="too_large"/);
    expect(metrics).toContain('tessera_ingest_gateway_rate_limited_requests_total');
  });
});
