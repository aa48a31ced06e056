import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDestinationCatalog } from '../index';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('createDestinationCatalog', () => {
  const catalog = createDestinationCatalog();

  it('offers every kind', () => {
    expect([...catalog.kinds].sort()).toEqual(['file', 'google_customer_match', 'kafka', 'meta_audience', 'webhook']);
  });

  it('accepts a valid spec of each kind', () => {
    expect(
      catalog.validate(
        'webhook',
        { url: 'https://example.com/hook', headers: { 'X-Team': 'growth' }, batchSize: 100 },
        { signingSecret: secret },
      ),
    ).toEqual([]);
    expect(catalog.validate('file', { directory: '/var/exports', format: 'csv', csvColumns: ['plan'] }, {})).toEqual([]);
    expect(
      catalog.validate(
        'kafka',
        { brokers: ['kafka-1:9092'], topic: 'crm.audience', format: 'avro', saslMechanism: 'scram-sha-512' },
        { saslUsername: 'u', saslPassword: 'p' },
      ),
    ).toEqual([]);
    expect(
      catalog.validate('meta_audience', { audienceId: '23851234567890', defaultCountry: 'US' }, { accessToken: 'EAAB-long-token' }),
    ).toEqual([]);
    expect(
      catalog.validate(
        'google_customer_match',
        { customerId: '1234567890', userListId: '555' },
        { developerToken: 'dev-token-123', accessToken: 'ya29.something' },
      ),
    ).toEqual([]);
  });

  it('reports problems at JSON Pointers into config and secrets', () => {
    expect(
      catalog.validate('webhook', { url: 'ftp://x', headers: { 'webhook-signature': 'forged' }, batchSize: 0 }, { signingSecret: 'plain' }),
    ).toEqual(
      expect.arrayContaining([
        { path: '/config/url', message: 'must match pattern "^https?://"' },
        { path: '/config/batchSize', message: 'must be >= 1' },
        { path: '/secrets/signingSecret', message: 'must match pattern "^whsec_[A-Za-z0-9+/]{32,88}={0,2}$"' },
      ]),
    );
    expect(
      catalog.validate('webhook', { url: 'https://x.example', headers: { 'Webhook-Signature': 'forged' } }, { signingSecret: secret }),
    ).toEqual([
      {
        path: '/config/headers/Webhook-Signature',
        message: 'is set by Tessera (signature, idempotency, auth) and cannot be configured',
      },
    ]);
    expect(catalog.validate('webhook', {}, {})).toEqual([
      { path: '/config/url', message: 'is required' },
      { path: '/secrets/signingSecret', message: 'is required' },
    ]);
    expect(catalog.validate('kafka', { brokers: ['ok:9092', 'not a broker'], topic: 't', format: 'xml', colour: 'red' }, {})).toEqual(
      expect.arrayContaining([
        { path: '/config/brokers/1', message: expect.stringMatching(/^must match pattern/) },
        { path: '/config/format', message: 'must be one of avro, json' },
        { path: '/config/colour', message: 'is not a known setting' },
      ]),
    );
    expect(catalog.validate('kafka', { brokers: ['k:9092'], topic: 't', format: 'json', saslMechanism: 'plain' }, {})).toEqual([
      { path: '/secrets/saslUsername', message: 'is required with saslMechanism plain' },
      { path: '/secrets/saslPassword', message: 'is required with saslMechanism plain' },
    ]);
    expect(catalog.validate('meta_audience', { audienceId: '1', defaultCountry: 'ZZ' }, { accessToken: 'EAAB-long-token' })).toEqual([
      { path: '/config/defaultCountry', message: 'is not a country libphonenumber knows: ZZ' },
    ]);
    expect(
      catalog.validate('google_customer_match', { customerId: '12-3456-7890', userListId: '5' }, { developerToken: 'dev-token-123' }),
    ).toEqual([{ path: '/config/customerId', message: 'must match pattern "^(\\d{10}|\\d{3}-\\d{3}-\\d{4})$"' }]);
    for (const customerId of ['1234567890', '123-456-7890']) {
      // the API's bare digits, or the id as the Google Ads UI shows it
      expect(catalog.validate('google_customer_match', { customerId, userListId: '5' }, { developerToken: 'dev-token-123' })).toEqual([
        { path: '/secrets/accessToken', message: 'is required (or oauthClientId, oauthClientSecret and oauthRefreshToken)' },
      ]);
    }
    expect(
      catalog.validate(
        'google_customer_match',
        { customerId: '1234567890', userListId: '5' },
        { developerToken: 'dev-token-123', oauthClientId: 'c', oauthRefreshToken: 'r' },
      ),
    ).toEqual([{ path: '/secrets/oauthClientSecret', message: 'is required with the other OAuth refresh-token secrets' }]);
    expect(catalog.validate('sms', {}, {})).toEqual([
      { path: '/kind', message: 'must be one of webhook, file, kafka, meta_audience, google_customer_match' },
    ]);
  });

  it('builds an adapter of the right kind, and refuses an invalid spec', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-catalog-'));
    try {
      const file = catalog.create({ destinationId: 'd1', kind: 'file', config: { directory: dir, format: 'ndjson' }, secrets: {} });
      expect([file.kind, file.maxBatchSize]).toEqual(['file', 10_000]);
      await file.close?.();
      const hook = catalog.create({
        destinationId: 'd2',
        kind: 'webhook',
        config: { url: 'https://x.example', batchSize: 50 },
        secrets: { signingSecret: secret },
      });
      expect([hook.kind, hook.maxBatchSize, hook.listMembers]).toEqual(['webhook', 50, undefined]);
      expect(
        catalog.create({
          destinationId: 'd3',
          kind: 'meta_audience',
          config: { audienceId: '1' },
          secrets: { accessToken: 'EAAB-long-token' },
        }).maxBatchSize,
      ).toBe(10_000);
      expect(() => catalog.create({ destinationId: 'd4', kind: 'webhook', config: {}, secrets: {} })).toThrow(
        'destination d4 (webhook) is misconfigured: /config/url is required; /secrets/signingSecret is required',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
