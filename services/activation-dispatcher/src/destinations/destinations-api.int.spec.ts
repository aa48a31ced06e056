import { DispatcherHarness } from '../test-support/dispatcher-harness';
import { TEST_SIGNING_SECRET } from '../test-support/test-receiver';

/** The destinations admin API over HTTP, on real Postgres, with libs/destinations' real catalog aimed at a local receiver. */
describe('destinations API', () => {
  const h = new DispatcherHarness();
  beforeAll(() => h.start('activation_destinations'), 90_000);
  afterAll(() => h.stop());

  it('creates, reads, lists, updates and deletes; secrets are accepted but only their names come back', async () => {
    const created = await h.http('POST', '/v1/destinations', {
      id: 'crm',
      name: 'CRM hook',
      kind: 'webhook',
      config: { url: `${h.receiver.url}/hook` },
      secrets: { signingSecret: TEST_SIGNING_SECRET, bearerToken: 's3cret' },
      requiredConsent: ['Marketing'],
      batchSize: 50,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'crm',
      name: 'CRM hook',
      kind: 'webhook',
      config: { url: `${h.receiver.url}/hook` },
      secretsSet: ['bearerToken', 'signingSecret'],
      requiredConsent: ['marketing'],
      maxAttempts: 20,
      maxAgeSeconds: 86_400,
      concurrency: 4,
      ratePerSecond: null,
      batchSize: 50,
    });
    expect(JSON.stringify(created.body)).not.toContain('s3cret');
    expect(JSON.stringify(created.body)).not.toContain(TEST_SIGNING_SECRET);
    expect(JSON.stringify((await h.http('GET', '/v1/destinations/crm')).body)).not.toContain('s3cret');
    expect((await h.http('GET', '/v1/destinations')).body.destinations.map((d: { id: string }) => d.id)).toEqual(['crm']);

    const updated = await h.http('PUT', '/v1/destinations/crm', {
      name: 'CRM',
      kind: 'webhook',
      config: { url: `${h.receiver.url}/v2` },
      maxAttempts: 5,
    });
    expect(updated.body).toMatchObject({ name: 'CRM', secretsSet: ['bearerToken', 'signingSecret'], maxAttempts: 5, requiredConsent: [] });
    expect(
      (
        await h.http('PUT', '/v1/destinations/crm', {
          name: 'CRM',
          kind: 'webhook',
          config: { url: `${h.receiver.url}/v2` },
          secrets: { bearerToken: null },
        })
      ).body.secretsSet,
    ).toEqual(['signingSecret']);
    expect((await h.http('PUT', '/v1/destinations/crm', { name: 'CRM', kind: 'kafka', config: {} })).status).toBe(400);
    expect(
      (
        await h.http('PUT', '/v1/destinations/crm', {
          name: 'CRM',
          kind: 'webhook',
          config: { url: `${h.receiver.url}/v2` },
          secrets: { signingSecret: null },
        })
      ).body.details,
    ).toEqual([{ path: '/secrets/signingSecret', message: 'is required' }]);
    expect(
      (
        await h.http('POST', '/v1/destinations', {
          id: 'crm',
          name: 'again',
          kind: 'webhook',
          config: { url: 'http://x' },
          secrets: { signingSecret: TEST_SIGNING_SECRET },
        })
      ).status,
    ).toBe(409);

    await h.sync('s-crm', 'seg', 'crm', 'add_remove');
    expect((await h.http('DELETE', '/v1/destinations/crm')).status).toBe(409);
    expect((await h.http('DELETE', '/v1/syncs/s-crm')).status).toBe(204);
    expect((await h.http('DELETE', '/v1/destinations/crm')).status).toBe(204);
    expect((await h.http('GET', '/v1/destinations/crm')).status).toBe(404);
    for (const [method, path] of [
      ['GET', '/v1/destinations'],
      ['POST', '/v1/destinations/crm/test'],
      ['GET', '/v1/deliveries'],
    ]) {
      expect((await fetch(`${h.service.url}${path}`, { method })).status).toBe(401);
    }
  });

  it('a config the catalog refuses is 400 with the JSON paths', async () => {
    const bad = await h.http('POST', '/v1/destinations', {
      name: 'bad',
      kind: 'webhook',
      config: { url: 'ftp://nope', batchSize: 0 },
      secrets: { signingSecret: 'not-whsec' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['/config/url', '/config/batchSize', '/secrets/signingSecret']);
    const unknown = await h.http('POST', '/v1/destinations', { name: 'bad', kind: 'carrier_pigeon', config: {} });
    expect(unknown.body.details).toEqual([{ path: '/kind', message: expect.stringContaining('webhook') }]);
    const shape = await h.http('POST', '/v1/destinations', { name: 'bad', kind: 'webhook', config: { url: 'http://x' }, maxAttempts: 0 });
    expect(shape.status).toBe(400);
    expect(shape.body.details).toEqual([{ path: '/maxAttempts', message: 'must be >= 1' }]);
  });

  it('a test send goes through the adapter and says what happened: delivered, or auth_failed with the reason', async () => {
    await h.webhook('probe');
    const ok = await h.http('POST', '/v1/destinations/probe/test');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ outcome: 'delivered', status: 200, item: { profileId: 'tessera-test-profile', action: 'add' } });
    const call = h.receiver.calls.at(-1);
    expect(call?.headers.authorization).toBe('Bearer secret-token');
    expect(call?.verified).toBe(true);
    expect(call?.body.items[0].deliveryId).toBe(ok.body.item.deliveryId);
    h.receiver.status = 401;
    try {
      expect((await h.http('POST', '/v1/destinations/probe/test')).body).toMatchObject({
        outcome: 'auth_failed',
        status: 401,
        error: expect.stringContaining('invalid token'),
      });
    } finally {
      h.receiver.status = 200;
    }
    expect((await h.http('POST', '/v1/destinations/nope/test')).status).toBe(404);
  });

  it("requiring a consent category re-checks the destination's audience: removes where it is missing, adds back when lifted", async () => {
    await h.webhook('ads');
    await h.sync('s-ads', 'aud', 'ads', 'add_remove');
    await h.profile('c1', {});
    await h.profile('c2', { 'consent.marketing': true });
    await h.membership('aud', 'c1', 'entered');
    await h.membership('aud', 'c2', 'entered');
    await h.waitForLog('c1', ['s-ads add delivered']);
    await h.waitForLog('c2', ['s-ads add delivered']);
    const config = { name: 'ads', kind: 'webhook', config: { url: `${h.receiver.url}/hook` } };
    expect((await h.http('PUT', '/v1/destinations/ads', { ...config, requiredConsent: ['marketing'] })).status).toBe(200);
    expect((await h.deliveries('c1')).map((d) => `${d.action} ${d.reason}`)).toEqual([
      'add null',
      'remove removed: consent marketing not granted (no choice recorded)',
    ]);
    await h.waitForLog('c1', ['s-ads add delivered', 's-ads remove delivered']);
    expect(await h.log('c2')).toEqual(['s-ads add delivered']);
    await h.http('PUT', '/v1/destinations/ads', { ...config, requiredConsent: [] });
    await h.waitForLog('c1', ['s-ads add delivered', 's-ads remove delivered', 's-ads add delivered']);
    expect(h.receiver.items('s-ads').filter((x) => x.endsWith(' c1'))).toEqual(['add c1', 'remove c1', 'add c1']);
    expect([...h.receiver.audience('s-ads')].sort()).toEqual(['c1', 'c2']);
  });
});
