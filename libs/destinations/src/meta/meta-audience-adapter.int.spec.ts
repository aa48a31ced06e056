import { sha256Hex } from '../hashing/identifier-normalization';
import { RecordingHttpServer } from '@tessera/testing';
import { deliveryBatch, deliveryItem, itemsFrom, noAbort } from '../test-support/delivery-fixtures';
import { MetaAudienceAdapter } from './meta-audience-adapter';
import { createHmac } from 'node:crypto';
import { parseMetaUsersForm } from './meta-payload';

const ok = (n: number) => ({
  status: 200,
  body: { audience_id: '1234', session_id: '9', num_received: n, num_invalid_entries: 0, invalid_entry_samples: {} },
});
const bodyOf = (r: { body: string }) => parseMetaUsersForm(r.body);

describe('MetaAudienceAdapter against a local Graph API stand-in', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await new RecordingHttpServer((r) => ok(bodyOf(r).payload.data.length)).start();
  });
  afterEach(async () => {
    await server.stop();
  });
  const meta = (batchSize?: number, appSecret?: string) =>
    new MetaAudienceAdapter(
      { audienceId: '1234', baseUrl: server.url(''), defaultCountry: 'US', batchSize },
      { accessToken: 'EAAB-test-token', appSecret },
      { fetch, now: () => Date.now() },
    );

  it('POSTs adds and DELETEs removes with correctly hashed email and phone, schema [EMAIL, PHONE]', async () => {
    const items = [
      deliveryItem(1, { identifiers: { email: ['  Mary@Example.com '], phone: ['(650) 555-1234'] } }),
      deliveryItem(2, { action: 'upsert', identifiers: { email: ['joe@example.com'] } }),
      deliveryItem(3, { action: 'remove', identifiers: { phone: ['+44 20 7031 3000'] } }),
    ];
    expect(await meta().send(deliveryBatch('mb-1', items), noAbort())).toEqual({ outcome: 'delivered', status: 200 });
    const [remove, add] = server.requests; // removes go first
    expect([add.method, add.path, remove.method, remove.path]).toEqual(['POST', '/v21.0/1234/users', 'DELETE', '/v21.0/1234/users']);
    expect(add.headers.authorization).toBe('Bearer EAAB-test-token');
    expect(add.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(bodyOf(add)).toEqual({
      payload: {
        schema: ['EMAIL', 'PHONE'],
        data: [
          ['f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79', sha256Hex('16505551234')],
          [sha256Hex('joe@example.com'), ''],
        ],
      },
    });
    expect(bodyOf(remove).payload.data).toEqual([['', sha256Hex('442070313000')]]);
  });

  it('adds appsecret_proof when the app secret is configured', async () => {
    await meta(undefined, 'app-secret-1').send(deliveryBatch('mb-8', itemsFrom(1, 1)), noAbort());
    expect(bodyOf(server.requests[0]).appsecret_proof).toBe(createHmac('sha256', 'app-secret-1').update('EAAB-test-token').digest('hex'));
  });

  it('returns partial when Meta reports invalid entries: the sampled record terminal, the rest delivered', async () => {
    const bad = sha256Hex('person2@example.com');
    server.respondWith(() => ({
      status: 200,
      body: { num_received: 3, num_invalid_entries: 1, invalid_entry_samples: { [bad]: 'Invalid EMAIL' } },
    }));
    const result = await meta().send(deliveryBatch('mb-2', itemsFrom(1, 3)), noAbort());
    expect(result).toEqual({
      outcome: 'partial',
      status: 200,
      rejected: [{ deliveryId: 'dlv-2', error: 'Meta rejected the entry: Invalid EMAIL' }],
      retry: [],
    });
  });

  it('rejects a record with nothing to match on before sending, and sends the rest', async () => {
    const items = [deliveryItem(1), deliveryItem(2, { identifiers: { email: ['not an email'], user_id: ['u2'] } })];
    const result = await meta().send(deliveryBatch('mb-3', items), noAbort());
    expect(result).toMatchObject({
      outcome: 'partial',
      rejected: [{ deliveryId: 'dlv-2', error: 'no email or phone number Meta can match on' }],
      retry: [],
    });
    expect(bodyOf(server.requests[0]).payload.data).toHaveLength(1);
  });

  it('splits a batch Meta refuses as a whole until only the poisoned record is refused', async () => {
    const poison = sha256Hex('person5@example.com');
    server.respondWith((r) => {
      const rows = bodyOf(r).payload.data;
      return rows.some((row) => row[0] === poison)
        ? { status: 400, body: { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100 } } }
        : ok(rows.length);
    });
    const result = await meta().send(deliveryBatch('mb-4', itemsFrom(1, 8)), noAbort());
    expect(result).toMatchObject({ outcome: 'partial', rejected: [{ deliveryId: 'dlv-5' }], retry: [] });
    const accepted = server.requests
      .filter((r) => !bodyOf(r).payload.data.some((row) => row[0] === poison))
      .flatMap((r) => bodyOf(r).payload.data);
    expect(accepted).toHaveLength(7);
  });

  it('sends at most 10,000 rows per call', async () => {
    const result = await meta().send(deliveryBatch('mb-5', itemsFrom(1, 10_001)), noAbort());
    expect(result.outcome).toBe('delivered');
    expect(server.requests.map((r) => bodyOf(r).payload.data.length)).toEqual([10_000, 1]);
  });

  it('names an expired token as an auth failure and a throttle as a retry', async () => {
    server.respondWith(() => ({
      status: 400,
      body: {
        error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 },
      },
    }));
    expect(await meta().send(deliveryBatch('mb-6', itemsFrom(1, 2)), noAbort())).toEqual({
      outcome: 'auth_failed',
      status: 400,
      error: 'destination rejected the credentials: 400 (code 190/463): Error validating access token: Session has expired',
    });
    server.respondWith(() => ({ status: 400, body: { error: { message: 'User request limit reached', code: 17 } } }));
    expect(await meta().send(deliveryBatch('mb-6', itemsFrom(1, 2)), noAbort())).toMatchObject({ outcome: 'retry', status: 400 });
  });

  it('keeps the adds it delivered and retries only the removes when the DELETE fails', async () => {
    server.respondWith((r) =>
      r.method === 'DELETE' ? { status: 503, headers: { 'retry-after': '30' } } : ok(bodyOf(r).payload.data.length),
    );
    const items = [deliveryItem(1), deliveryItem(2, { action: 'remove' }), deliveryItem(3, { action: 'remove' })];
    expect(await meta().send(deliveryBatch('mb-7', items), noAbort())).toMatchObject({
      outcome: 'partial',
      rejected: [],
      retry: ['dlv-2', 'dlv-3'],
      retryAfterMs: 30_000,
    });
  });
});
