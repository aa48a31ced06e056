import { sha256Hex } from '../hashing/identifier-normalization';
import { RecordingHttpServer, type RecordedRequest, type ScriptedReply } from '@tessera/testing';
import { deliveryBatch, deliveryItem, itemsFrom, noAbort } from '../test-support/delivery-fixtures';
import { GoogleCustomerMatchAdapter } from './google-customer-match-adapter';
import type { OfflineUserDataJobOperation } from './google-payload';

type AddBody = { enablePartialFailure: boolean; operations: OfflineUserDataJobOperation[] };
const body = <T>(r: RecordedRequest) => JSON.parse(r.body) as T;
const identifiersOf = (op: OfflineUserDataJobOperation) => ('create' in op ? op.create : op.remove).userIdentifiers;

/** A stand-in for OfflineUserDataJobService: create hands out job names, addOperations asks `onAdd`, run succeeds. */
function googleAds(onAdd: (b: AddBody) => ScriptedReply = () => ({ status: 200, body: {} })) {
  let jobs = 0;
  return (r: RecordedRequest): ScriptedReply => {
    if (r.path.endsWith('/offlineUserDataJobs:create'))
      return { status: 200, body: { resourceName: `customers/1234567890/offlineUserDataJobs/${++jobs}` } };
    if (r.path.endsWith(':addOperations')) return onAdd(body<AddBody>(r));
    if (r.path.endsWith(':run')) return { status: 200, body: { name: 'customers/1234567890/operations/abc' } };
    return { status: 404 };
  };
}

describe('GoogleCustomerMatchAdapter against a local Google Ads API stand-in', () => {
  let server: RecordingHttpServer;
  beforeEach(async () => {
    server = await new RecordingHttpServer(googleAds()).start();
  });
  afterEach(async () => {
    await server.stop();
  });
  const google = () =>
    new GoogleCustomerMatchAdapter(
      {
        customerId: '123-456-7890', // as the Google Ads UI shows it: the API gets the digits
        userListId: '555',
        loginCustomerId: '999-999-9999',
        baseUrl: server.url(''),
        defaultCountry: 'US',
        consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' },
      },
      { developerToken: 'dev-token-123', accessToken: 'ya29.test-token' },
      { fetch, now: () => Date.now() },
    );

  it('creates a job per action, adds hashed identifiers with partial failure on, and runs it', async () => {
    const items = [
      deliveryItem(1, { identifiers: { email: [' Cloudy.SanFrancisco+shopping@gmail.com'], phone: ['(800)555-0100'] } }),
      deliveryItem(2, { action: 'remove', identifiers: { email: ['user.name+NYC@Example.com'] } }),
    ];
    expect(await google().send(deliveryBatch('gb-1', items), noAbort())).toEqual({ outcome: 'delivered', status: 200 });
    expect(server.requests.map((r) => r.path)).toEqual([
      '/v21/customers/1234567890/offlineUserDataJobs:create',
      '/v21/customers/1234567890/offlineUserDataJobs/1:addOperations',
      '/v21/customers/1234567890/offlineUserDataJobs/1:run',
      '/v21/customers/1234567890/offlineUserDataJobs:create',
      '/v21/customers/1234567890/offlineUserDataJobs/2:addOperations',
      '/v21/customers/1234567890/offlineUserDataJobs/2:run',
    ]);
    const [create, removeAdd, , , add] = server.requests; // removes go first
    expect(create.headers).toMatchObject({
      authorization: 'Bearer ya29.test-token',
      'developer-token': 'dev-token-123',
      'login-customer-id': '9999999999',
    });
    expect(body(create)).toEqual({
      job: {
        type: 'CUSTOMER_MATCH_USER_LIST',
        customerMatchUserListMetadata: {
          userList: 'customers/1234567890/userLists/555',
          consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' },
        },
      },
    });
    expect(body(add)).toEqual({
      enablePartialFailure: true,
      operations: [
        {
          create: {
            userIdentifiers: [{ hashedEmail: sha256Hex('cloudysanfrancisco@gmail.com') }, { hashedPhoneNumber: sha256Hex('+18005550100') }],
          },
        },
      ],
    });
    expect(body<AddBody>(removeAdd).operations).toEqual([
      { remove: { userIdentifiers: [{ hashedEmail: sha256Hex('user.name+nyc@example.com') }] } },
    ]);
  });

  it('returns partial when Google names failed operations: those terminal, the rest applied', async () => {
    server.respondWith(
      googleAds(() => ({
        status: 200,
        body: {
          partialFailureError: {
            code: 3,
            message: 'Multiple errors in details',
            details: [
              {
                '@type': 'type.googleapis.com/google.ads.googleads.v21.errors.GoogleAdsFailure',
                errors: [
                  {
                    errorCode: { offlineUserDataJobError: 'INVALID_SHA256_FORMAT' },
                    message: 'Not a valid SHA256 hash.',
                    location: { fieldPathElements: [{ fieldName: 'operations', index: 1 }, { fieldName: 'create' }] },
                  },
                ],
              },
            ],
          },
        },
      })),
    );
    const result = await google().send(deliveryBatch('gb-2', itemsFrom(1, 3)), noAbort());
    expect(result).toEqual({
      outcome: 'partial',
      status: 200,
      rejected: [{ deliveryId: 'dlv-2', error: 'Google rejected the record: INVALID_SHA256_FORMAT: Not a valid SHA256 hash.' }],
      retry: [],
    });
    expect(server.requests.filter((r) => r.path.endsWith(':run'))).toHaveLength(1);
  });

  it('splits a request Google refuses as a whole until only the bad record is refused', async () => {
    const poison = sha256Hex('person3@example.com');
    server.respondWith(
      googleAds((b) =>
        b.operations.some((op) => identifiersOf(op).some((id) => 'hashedEmail' in id && id.hashedEmail === poison))
          ? { status: 400, body: { error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' } } }
          : { status: 200, body: {} },
      ),
    );
    const result = await google().send(deliveryBatch('gb-3', itemsFrom(1, 5)), noAbort());
    expect(result).toMatchObject({ outcome: 'partial', rejected: [{ deliveryId: 'dlv-3' }], retry: [] });
  });

  it('reports a refused token as an auth failure and a throttle with RetryInfo as a retry', async () => {
    server.respondWith(() => ({
      status: 401,
      body: { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } },
    }));
    const auth = await google().send(deliveryBatch('gb-4', itemsFrom(1, 2)), noAbort());
    expect(auth).toMatchObject({ outcome: 'auth_failed', status: 401 });
    expect((auth as { error: string }).error).toMatch(
      /^destination rejected the credentials: 401 Unauthorized: .*invalid authentication credentials/,
    );

    server.respondWith(() => ({
      status: 429,
      body: {
        error: {
          code: 429,
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '42s' }],
        },
      },
    }));
    expect(await google().send(deliveryBatch('gb-5', itemsFrom(1, 2)), noAbort())).toMatchObject({
      outcome: 'retry',
      status: 429,
      retryAfterMs: 42_000,
    });
  });

  describe('with the OAuth refresh-token grant', () => {
    const refreshing = () =>
      new GoogleCustomerMatchAdapter(
        { customerId: '1234567890', userListId: '555', baseUrl: server.url(''), tokenUrl: server.url('/token') },
        { developerToken: 'dev-token-123', oauthClientId: 'client-1', oauthClientSecret: 'shh', oauthRefreshToken: 'refresh-1' },
        { fetch, now: () => Date.now() },
      );

    it('exchanges the refresh token once, caches the access token, and renews it after a 401', async () => {
      let issued = 0;
      let revoked = false;
      const ads = googleAds();
      server.respondWith((r) => {
        if (r.path === '/token') return { status: 200, body: { access_token: `tok-${++issued}`, expires_in: 3599, token_type: 'Bearer' } };
        if (revoked && r.headers.authorization === 'Bearer tok-1')
          return { status: 401, body: { error: { code: 401, status: 'UNAUTHENTICATED' } } };
        return ads(r);
      });
      const google = refreshing();
      expect((await google.send(deliveryBatch('gr-1', itemsFrom(1, 1)), noAbort())).outcome).toBe('delivered');
      expect((await google.send(deliveryBatch('gr-2', itemsFrom(2, 1)), noAbort())).outcome).toBe('delivered');
      const tokenCalls = server.requests.filter((r) => r.path === '/token');
      expect(tokenCalls).toHaveLength(1);
      expect(Object.fromEntries(new URLSearchParams(tokenCalls[0].body))).toEqual({
        grant_type: 'refresh_token',
        client_id: 'client-1',
        client_secret: 'shh',
        refresh_token: 'refresh-1',
      });
      expect(server.requests.filter((r) => r.path !== '/token').every((r) => r.headers.authorization === 'Bearer tok-1')).toBe(true);

      revoked = true;
      expect((await google.send(deliveryBatch('gr-3', itemsFrom(3, 1)), noAbort())).outcome).toBe('delivered');
      expect(server.requests.filter((r) => r.path === '/token')).toHaveLength(2);
      expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer tok-2');
    });

    it('reports a refused refresh token as an auth failure', async () => {
      server.respondWith((r) =>
        r.path === '/token'
          ? { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }
          : { status: 500 },
      );
      const result = await refreshing().send(deliveryBatch('gr-4', itemsFrom(1, 2)), noAbort());
      expect(result).toMatchObject({ outcome: 'auth_failed', status: 400 });
      expect((result as { error: string }).error).toMatch(
        /^destination rejected the credentials: Google refused the OAuth refresh token: 400 .*invalid_grant/,
      );
    });
  });
});
