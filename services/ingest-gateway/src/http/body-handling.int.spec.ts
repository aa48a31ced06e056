import { createTestSchema, createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { GatewayHarness, RAW_TOPICS, basicAuth, type CreatedSource, type LooseJson } from '../test-support/gateway-harness';
import { TopicTail } from '../test-support/topic-tail';
import { MAX_NESTING_DEPTH } from './nesting-limit';

/** What SDKs and hand-written clients put in Content-Type for a JSON body; undefined sends none at all. */
const CONTENT_TYPES: (string | undefined)[] = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain;charset=UTF-8',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'garbage',
];
const ENCODINGS: Record<string, (body: Buffer) => Buffer> = {
  identity: (body) => body,
  gzip: (body) => gzipSync(body),
  'x-gzip': (body) => gzipSync(body),
  deflate: (body) => deflateSync(body),
  'deflate (raw stream)': (body) => deflateRawSync(body),
  br: (body) => brotliCompressSync(body),
};
const encodingHeader = (name: string) => (name === 'identity' ? undefined : name.split(' ')[0]);

describe('ingest-gateway body handling: the same on every route, whatever the Content-Type (real HTTP)', () => {
  let broker: TestBroker;
  let gateway: GatewayHarness;
  let tail: TopicTail;
  let source: CreatedSource;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    gateway = await new GatewayHarness(broker.brokers, await createTestSchema('ingest_gateway')).start();
    tail = new TopicTail();
    await tail.start(broker.brokers);
    source = await gateway.createSource('bodies');
  });

  afterAll(async () => {
    await tail?.stop();
    await gateway?.stop();
    await broker?.stop();
  });

  /** POSTs raw bytes with exactly the given headers (fetch adds no Content-Type to a Buffer body). */
  async function send(
    path: string,
    body: Buffer | undefined,
    contentType: string | undefined,
    encoding?: string,
  ): Promise<{ status: number; json: LooseJson; contentType: string | null }> {
    const headers: Record<string, string> = { authorization: basicAuth(source.writeKey) };
    if (contentType !== undefined) headers['content-type'] = contentType;
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    const res = await fetch(`${gateway.url}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let json: LooseJson;
    try {
      json = JSON.parse(text);
    } catch {
      json = { notJson: text };
    }
    return { status: res.status, json, contentType: res.headers.get('content-type') };
  }

  it('parses the body as JSON for every content type and encoding, on single calls, batches and records alike', async () => {
    const run = Date.now();
    const sent: string[] = [];
    const answers: string[] = [];
    for (const contentType of CONTENT_TYPES) {
      for (const [encoding, compress] of Object.entries(ENCODINGS)) {
        const id = `ct-${run}-${sent.length}`;
        const cases: [string, unknown][] = [
          [
            '/v1/track',
            { userId: 'u-ct', event: 'Typed', messageId: `${id}-track`, properties: { contentType: contentType ?? null, encoding } },
          ],
          ['/v1/batch', { batch: [{ type: 'identify', userId: 'u-ct', messageId: `${id}-batch`, traits: { encoding } }] }],
          ['/v1/records', { records: [{ recordId: `${id}-record`, messageId: `${id}-record`, attributes: { encoding } }] }],
        ];
        for (const [path, body] of cases) {
          const res = await send(path, compress(Buffer.from(JSON.stringify(body))), contentType, encodingHeader(encoding));
          answers.push(`${path} ${contentType ?? '(none)'} ${encoding} -> ${res.status}`);
        }
        sent.push(id);
      }
    }
    expect(answers.filter((answer) => !answer.endsWith('-> 200'))).toEqual([]);
    await tail.waitFor(() => tail.eventsWith(`ct-${run}-`).length === 2 * sent.length, 'every tracked call', 30_000);
    await tail.waitFor(
      () => tail.records.filter((r) => r.value.recordId.startsWith(`ct-${run}-`)).length === sent.length,
      'every record',
      30_000,
    );
    // The body arrives as sent, not as a form parser's reading of it.
    const track = tail.eventsWith(`ct-${run}-`).find((e) => e.value.messageId === `ct-${run}-3-track`)!;
    expect(JSON.parse(track.value.properties!)).toEqual({ contentType: CONTENT_TYPES[0] ?? null, encoding: 'deflate' });
  }, 120_000);

  it('takes a gzipped batch sent as form-urlencoded, the way the RudderStack Node SDK 3.x sends every batch', async () => {
    const messageId = `rudder-like-${Date.now()}`;
    const body = gzipSync(
      JSON.stringify({
        batch: [{ type: 'track', userId: 'u-rs', event: 'Order Completed', messageId, properties: { revenue: 1 } }],
        sentAt: new Date().toISOString(),
      }),
    );
    const res = await send('/v1/batch', body, 'application/x-www-form-urlencoded', 'gzip');
    expect(res).toMatchObject({ status: 200, json: { success: true } });
    const [landed] = await tail.waitFor(() => tail.eventsWith(messageId).length === 1 && tail.eventsWith(messageId), 'the batch event');
    expect(landed.value).toMatchObject({ type: 'track', event: 'Order Completed', properties: '{"revenue":1}' });
  });

  it.each(['/v1/track', '/v1/batch', '/v1/records'])(
    '%s: a body that is not JSON is a 400 JSON error, never a 200, whatever its type',
    async (path) => {
      const notJson = [Buffer.from('userId=u&event=E'), Buffer.from('{"userId": "u",'), Buffer.from([0xff, 0xfe, 0x00, 0x7b])];
      for (const contentType of CONTENT_TYPES) {
        for (const body of notJson) {
          for (const [encoding, compress] of Object.entries(ENCODINGS)) {
            const res = await send(path, compress(body), contentType, encodingHeader(encoding));
            expect({ contentType, encoding, status: res.status, type: res.contentType }).toEqual({
              contentType,
              encoding,
              status: 400,
              type: expect.stringContaining('application/json'),
            });
            expect(res.json).toMatchObject({
              statusCode: 400,
              error: 'Bad Request',
              path,
              message: expect.stringContaining('not valid JSON'),
            });
          }
        }
      }
    },
  );

  it('answers 400 for an empty body with or without a type, and 415 for an unknown encoding', async () => {
    for (const contentType of [undefined, 'application/x-www-form-urlencoded']) {
      const res = await send('/v1/track', undefined, contentType);
      expect(res).toMatchObject({ status: 400, json: { path: '/v1/track', message: expect.stringMatching(/empty|no body/) } });
    }
    const res = await send('/v1/track', Buffer.from('{"userId":"u","event":"E"}'), 'text/plain', 'compress');
    expect(res).toMatchObject({ status: 415, json: { statusCode: 415, path: '/v1/track' } });
  });

  describe('limits apply to every content type and encoding', () => {
    const overCall = Buffer.from(JSON.stringify({ userId: 'u', event: 'E', properties: { pad: 'p'.repeat(33 * 1024) } }));

    it.each(CONTENT_TYPES.map((type) => [type ?? '(none)', type]))(
      '32 KB per call with Content-Type %s, plain and gzipped',
      async (_label, contentType) => {
        for (const encoding of ['identity', 'gzip']) {
          const res = await send('/v1/track', ENCODINGS[encoding](overCall), contentType, encodingHeader(encoding));
          expect(res).toMatchObject({ status: 400, json: { path: '/v1/track', message: expect.stringContaining('32 KB limit') } });
        }
      },
    );

    it('900 KB of form data is refused on a single-call route, and 600 KB on a batch route', async () => {
      const form = Buffer.from(`a=${'b'.repeat(900_000)}`);
      expect(await send('/v1/track', form, 'application/x-www-form-urlencoded')).toMatchObject({
        status: 400,
        json: { message: expect.stringContaining('32 KB limit') },
      });
      const batch = Buffer.from(`a=${'b'.repeat(600_000)}`);
      expect(await send('/v1/batch', batch, 'application/x-www-form-urlencoded')).toMatchObject({
        status: 400,
        json: { message: expect.stringContaining('500 KB limit') },
      });
      expect(await send('/v1/records', batch, 'application/x-www-form-urlencoded')).toMatchObject({
        status: 400,
        json: { message: expect.stringContaining('500 KB limit') },
      });
    });
  });

  describe('nesting limit', () => {
    const nested = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { k: value };
      return value;
    };

    it(`accepts a body exactly ${MAX_NESTING_DEPTH} levels deep and refuses one level more, naming where`, async () => {
      // body (1) + properties (2) + the nested value: MAX_NESTING_DEPTH levels in all.
      const ok = await gateway.post(
        '/v1/track',
        { userId: 'u', event: 'Deep', properties: { deep: nested(MAX_NESTING_DEPTH - 2) } },
        { authorization: basicAuth(source.writeKey) },
      );
      expect(ok.status).toBe(200);
      const deep = await gateway.post(
        '/v1/track',
        { userId: 'u', event: 'Deep', properties: { deep: nested(MAX_NESTING_DEPTH - 1) } },
        { authorization: basicAuth(source.writeKey) },
      );
      expect(deep).toMatchObject({
        status: 400,
        json: { path: '/v1/track', message: expect.stringContaining(`more than ${MAX_NESTING_DEPTH} levels deep, at /properties/deep/`) },
      });
      expect(deep.json.details[0].path).toMatch(/^\/properties\/deep\/(0|k)\//);
    });

    it('refuses a 10,000-deep array in /v1/records attributes with 400 and the path, not a 500', async () => {
      const body = `{"records":[{"recordId":"deep","attributes":{"Email":"a@x.io","tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}}]}`;
      const res = await send('/v1/records', Buffer.from(body), 'application/json');
      expect(res.status).toBe(400);
      expect(res.json.details).toEqual([
        { path: '/records/0/attributes/tags/0/0/0/0/0/0/0/0/...', message: `nests deeper than the ${MAX_NESTING_DEPTH} level limit` },
      ]);
      // and the same deep value in a batch item, gzipped
      const batch = gzipSync(
        `{"batch":[{"type":"track","userId":"u","event":"E"},{"type":"track","userId":"u","event":"E","properties":{"x":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}}]}`,
      );
      const refused = await send('/v1/batch', batch, undefined, 'gzip');
      expect(refused).toMatchObject({ status: 400, json: { details: [{ path: '/batch/1/properties/x/a/a/a/a/a/a/a/a/...' }] } });
    });
  });

  describe('objects where strings are expected', () => {
    it('a single call gets 400 naming the field, not a 500', async () => {
      for (const field of ['userId', 'anonymousId', 'event', 'messageId', 'timestamp', 'groupId', 'previousId']) {
        const body = `{"userId":"u","event":"E","${field}":{"toString":1}}`;
        const res = await send('/v1/track', Buffer.from(body), 'application/json');
        expect(res).toMatchObject({
          status: 400,
          json: { path: '/v1/track', message: `"${field}" must be a string, got an object`, details: [{ path: `/${field}` }] },
        });
      }
      const array = await send('/v1/identify', Buffer.from('{"userId":["a"]}'), 'text/plain');
      expect(array).toMatchObject({
        status: 400,
        json: { details: [{ path: '/userId', message: '"userId" must be a string, got an array' }] },
      });
    });

    it('a batch gets 400 naming the item and the field, and nothing of it is produced', async () => {
      const messageId = `typed-batch-${Date.now()}`;
      const body = {
        batch: [
          { type: 'track', userId: 'u', event: 'E', messageId },
          { type: 'track', userId: { toString: 1 }, event: 'E' },
          { type: { a: 1 }, userId: 'u', event: 'E' },
        ],
      };
      const res = await gateway.post('/v1/batch', body, { authorization: basicAuth(source.writeKey) });
      expect(res.status).toBe(400);
      expect(res.json.details).toEqual([
        { index: 1, path: '/batch/1/userId', message: 'batch[1]: "userId" must be a string, got an object' },
        { index: 2, path: '/batch/2/type', message: 'batch[2]: "type" must be a string, got an object' },
      ]);
      const sentAt = await gateway.post(
        '/v1/batch',
        { batch: [{ type: 'track', userId: 'u', event: 'E' }], sentAt: { toString: 1 } },
        { authorization: basicAuth(source.writeKey) },
      );
      expect(sentAt).toMatchObject({ status: 400, json: { details: [{ path: '/sentAt' }] } });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(tail.eventsWith(messageId)).toEqual([]);
    });

    it('numbers and booleans are still passed on as their text', async () => {
      const messageId = `numeric-${Date.now()}`;
      expect(
        (await gateway.post('/v1/track', { userId: 42, event: 'E', messageId }, { authorization: basicAuth(source.writeKey) })).status,
      ).toBe(200);
      const [landed] = await tail.waitFor(() => tail.eventsWith(messageId).length === 1 && tail.eventsWith(messageId), 'numeric userId');
      expect(landed.value.userId).toBe('42');
    });
  });
});
