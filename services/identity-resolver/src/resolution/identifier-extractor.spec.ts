import { createHash } from 'node:crypto';
import type { ValidEvent, ValidRecord } from '@tessera/contracts';
import { extractEventIdentifiers, extractRecordIdentifiers } from './identifier-extractor';

function event(overrides: Partial<ValidEvent>): ValidEvent {
  return {
    messageId: 'm1',
    sourceId: 's1',
    type: 'track',
    userId: null,
    anonymousId: null,
    event: 'Viewed',
    name: null,
    category: null,
    groupId: null,
    previousId: null,
    timestamp: 1,
    originalTimestamp: null,
    sentAt: null,
    receivedAt: 1,
    properties: null,
    traits: null,
    context: null,
    integrations: null,
    extra: null,
    revenue: null,
    currency: null,
    isTest: false,
    commerce: null,
    violations: [],
    ...overrides,
  };
}

describe('identifier extraction', () => {
  it('reads ids, traits, device ids and Segment externalIds from an event', () => {
    const identifiers = extractEventIdentifiers(
      event({
        type: 'identify',
        userId: ' u1 ',
        anonymousId: 'a1',
        traits: JSON.stringify({ email: ' Jane@Example.com ', phone: '+33612345678' }),
        context: JSON.stringify({
          device: { id: 'dev-1', advertisingId: 'idfa-1' },
          externalIds: [{ id: 'cus_42', type: 'stripe_customer_id', collection: 'users', encoding: 'none' }, { id: 'x' }],
          traits: { email: 'jane@example.com' },
        }),
      }),
    );
    expect(identifiers).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'anonymous_id', value: 'a1' },
      { type: 'email', value: 'jane@example.com' },
      { type: 'email_sha256', value: createHash('sha256').update('jane@example.com').digest('hex') },
      { type: 'phone', value: '+33612345678' },
      { type: 'device_id', value: 'dev-1' },
      { type: 'advertising_id', value: 'idfa-1' },
      { type: 'external:stripe_customer_id', value: 'cus_42' },
    ]);
  });

  it('takes each number of a phone list', () => {
    const identifiers = extractEventIdentifiers(
      event({ type: 'identify', userId: 'u1', traits: JSON.stringify({ phone: ['+4930123', '+33612'] }) }),
    );
    expect(identifiers.filter((identifier) => identifier.type === 'phone').map((identifier) => identifier.value)).toEqual([
      '+4930123',
      '+33612',
    ]);
  });

  it('takes each address of an email list as an email identifier', () => {
    const identifiers = extractEventIdentifiers(
      event({ type: 'identify', userId: 'u1', traits: JSON.stringify({ email: ['a@x.com', ' B@x.com', ['c@x.com'], null, {}] }) }),
    );
    expect(identifiers.filter((identifier) => identifier.type === 'email')).toEqual([
      { type: 'email', value: 'a@x.com' },
      { type: 'email', value: 'b@x.com' },
    ]);
  });

  it('treats an alias previousId as an anonymous_id and survives broken JSON', () => {
    expect(extractEventIdentifiers(event({ type: 'alias', userId: 'u1', previousId: 'a0', context: '{not json' }))).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'anonymous_id', value: 'a0' },
    ]);
  });

  it("never takes a group call's traits (the account's) as the person's identifiers; its context.traits are the person's", () => {
    const group = event({
      type: 'group',
      userId: 'u1',
      groupId: 'acme',
      event: null,
      traits: JSON.stringify({ email: 'billing@acme.com', phone: '+33612345678', email_sha256: 'a'.repeat(64) }),
      context: JSON.stringify({ traits: { email: 'jane@acme.com' } }),
    });
    expect(extractEventIdentifiers(group)).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'email', value: 'jane@acme.com' },
      { type: 'email_sha256', value: createHash('sha256').update('jane@acme.com').digest('hex') },
    ]);
  });

  it('reads record identifiers through semantic tags, plus the record identity', () => {
    const record: ValidRecord = {
      messageId: 'm2',
      sourceId: 'crm',
      objectType: 'contact',
      recordId: 'c-9',
      observedAt: 1,
      receivedAt: 1,
      isTest: false,
      origin: null,
      mapping: {
        Email: 'email',
        CrmId: 'crm_id',
        Hash: 'email_sha256',
        Zendesk: 'id:zendesk_id',
        Uid: 'id:user_id',
        FirstName: 'given-name',
      },
      attributes: JSON.stringify({ Email: 'A@B.io', CrmId: 77, Hash: 'ABC', Zendesk: 'z-1', Uid: 'u9', FirstName: 'Ann' }),
    };
    expect(extractRecordIdentifiers(record)).toEqual([
      { type: 'email', value: 'a@b.io' },
      { type: 'email_sha256', value: createHash('sha256').update('a@b.io').digest('hex') },
      { type: 'crm_id', value: '77' },
      { type: 'email_sha256', value: 'abc' },
      { type: 'external:zendesk_id', value: 'z-1' },
      { type: 'user_id', value: 'u9' },
      { type: 'record_id', value: 'crm:contact:c-9' },
    ]);
  });
});
