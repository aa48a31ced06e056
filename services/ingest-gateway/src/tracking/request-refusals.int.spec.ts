import { gzipSync } from 'node:zlib';
import type { GatewayHarness } from '../test-support/gateway-harness';
import type { TopicTail } from '../test-support/topic-tail';
import { useTrackingGateway } from '../test-support/tracking-gateway.fixture';

describe('ingest-gateway: requests it refuses, and the encodings it takes (real HTTP, embedded broker and Postgres)', () => {
  const env = useTrackingGateway();
  let gateway: GatewayHarness;
  let tail: TopicTail;
  let auth: Record<string, string>;
  beforeAll(() => ({ gateway, tail, auth } = env));
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

  it('answers 400 for properties, traits, context or integrations that are not objects, which validation could only dead-letter', async () => {
    const marker = `not-object-${Date.now()}`;
    const list = await gateway.post('/v1/track', { userId: marker, event: 'E', properties: [1, 2], messageId: `${marker}-a` }, auth);
    expect(list).toMatchObject({
      status: 400,
      json: { message: '"properties" must be a JSON object, got an array', details: [{ path: '/properties' }] },
    });
    const text = await gateway.post('/v1/identify', { userId: marker, traits: 'vip', messageId: `${marker}-t` }, auth);
    expect(text.json.details).toEqual([{ path: '/traits', message: '"traits" must be a JSON object, got a string ("vip")' }]);
    const batch = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: marker, event: 'Fine', properties: null, messageId: `${marker}-0` },
          { type: 'page', userId: marker, context: 5, messageId: `${marker}-1` },
          { type: 'track', userId: marker, event: 'E', integrations: true, messageId: `${marker}-2` },
        ],
      },
      auth,
    );
    expect(batch.json.details).toEqual([
      { index: 1, path: '/batch/1/context', message: 'batch[1]: "context" must be a JSON object, got a number' },
      { index: 2, path: '/batch/2/integrations', message: 'batch[2]: "integrations" must be a JSON object, got a boolean' },
    ]);
    const batchLevel = await gateway.post('/v1/batch', { batch: [{ type: 'track', userId: marker, event: 'E' }], context: [] }, auth);
    expect(batchLevel).toMatchObject({
      status: 400,
      json: { details: [{ path: '/context', message: '"context" must be a JSON object, got an array' }] },
    });
    // null is absent, as validation reads it
    const after = `${marker}-after`;
    expect((await gateway.post('/v1/track', { userId: marker, event: 'After', properties: null, messageId: after }, auth)).status).toBe(
      200,
    );
    await tail.waitFor(() => tail.eventsWith(after).length === 1, 'the good call');
    expect(tail.eventsWith(marker).map((e) => e.value.messageId)).toEqual([after]);
  });

  it('answers 400 for a clock value validation could never read, and produces nothing of its batch', async () => {
    const marker = `clock-${Date.now()}`;
    const feb30 = await gateway.post('/v1/track', { userId: marker, event: 'E', timestamp: '2026-02-30T10:00:00Z' }, auth);
    expect(feb30).toMatchObject({
      status: 400,
      json: {
        message: '"timestamp" must be an ISO-8601 date-time such as 2026-12-06T10:50:00.000Z; got "2026-02-30T10:00:00Z"',
        details: [{ path: '/timestamp' }],
      },
    });
    const epoch = await gateway.post('/v1/page', { anonymousId: marker, originalTimestamp: 1733480000000 }, auth);
    expect(epoch).toMatchObject({
      status: 400,
      json: { details: [{ path: '/originalTimestamp', message: expect.stringContaining('got 1733480000000') }] },
    });
    const batch = await gateway.post(
      '/v1/batch',
      { batch: [{ type: 'track', userId: marker, event: 'Fine', messageId: `${marker}-0` }], sentAt: 'yesterday' },
      auth,
    );
    expect(batch).toMatchObject({
      status: 400,
      json: { details: [{ path: '/sentAt', message: expect.stringContaining('got "yesterday"') }] },
    });
    const item = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { type: 'track', userId: marker, event: 'Fine', messageId: `${marker}-1` },
          { type: 'track', userId: marker, event: 'Late', sentAt: 'now', messageId: `${marker}-2` },
        ],
      },
      auth,
    );
    expect(item).toMatchObject({ status: 400, json: { details: [{ index: 1, path: '/batch/1/sentAt' }] } });
    // a blank clock is absent, as validation reads it; offsets and dates without a time are ISO-8601 too
    const fine = { type: 'track', userId: marker, event: 'Fine' };
    const accepted = await gateway.post(
      '/v1/batch',
      {
        batch: [
          { ...fine, timestamp: '', messageId: `${marker}-a` },
          { ...fine, timestamp: '2026-12-06T11:50:00+01:00', messageId: `${marker}-b` },
          { ...fine, originalTimestamp: '2026-12-06', messageId: `${marker}-c` },
        ],
      },
      auth,
    );
    expect(accepted.status).toBe(200);
    await tail.waitFor(() => tail.eventsWith(marker).length === 3, 'the accepted calls');
    expect(
      tail
        .eventsWith(marker)
        .map((e) => e.value.messageId)
        .sort(),
    ).toEqual([`${marker}-a`, `${marker}-b`, `${marker}-c`]);
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
});
