import type { TopicInputMap } from './generated';

const AT = Date.UTC(2026, 0, 15, 12, 30, 0);

/** One realistic value per topic; typed by the generated input types, so it also checks them. */
export const CONTRACT_SAMPLES: { [T in keyof TopicInputMap]: TopicInputMap[T] } = {
  'cdp.events.raw': {
    messageId: 'msg-1', sourceId: 'src-web', receivedAt: AT, type: 'track', anonymousId: 'anon-1',
    event: 'Order Completed', timestamp: '2026-01-15T12:29:58.120Z', sentAt: '2026-01-15T12:29:59.000Z',
    properties: JSON.stringify({ revenue: '19.99', currency: 'eur' }), context: JSON.stringify({ ip: '203.0.113.9' }),
  },
  'cdp.records.raw': {
    messageId: 'rec-msg-1', sourceId: 'src-crm', receivedAt: AT, objectType: 'contact', recordId: '0031x00000A',
    mapping: { Email: 'email', FirstName: 'given-name', Id: 'crm_id' },
    attributes: JSON.stringify({ Email: ' Jane@Example.com ', FirstName: 'Jane', Id: '0031x00000A' }),
    observedAt: '2026-01-15T10:00:00Z',
  },
  'cdp.events.valid': {
    messageId: 'msg-1', sourceId: 'src-web', type: 'track', anonymousId: 'anon-1', event: 'Order Completed',
    timestamp: AT - 880, originalTimestamp: AT - 1880, sentAt: AT - 1000, receivedAt: AT,
    properties: JSON.stringify({ revenue: 19.99, currency: 'EUR' }), revenue: 19.99, currency: 'EUR',
    violations: [{ reason: 'naming_convention', detail: 'expected snake_case', path: 'event' }],
  },
  'cdp.records.valid': {
    messageId: 'rec-msg-1', sourceId: 'src-crm', recordId: '0031x00000A', objectType: 'contact',
    mapping: { Email: 'email' }, attributes: JSON.stringify({ Email: 'jane@example.com' }), observedAt: AT - 9000, receivedAt: AT,
  },
  'cdp.events.rejected': {
    rejectionId: 'rej-1', reason: 'missing_identity', detail: 'neither userId nor anonymousId is set', path: 'userId',
    service: 'validation', itemKind: 'event', sourceId: 'src-web', messageId: 'msg-2',
    original: {
      topic: 'cdp.events.raw', partition: 4, offset: 123456789, key: Buffer.from('msg-2'), value: Buffer.from([0xc3, 0x01, 1, 2]),
      timestamp: AT, headers: [{ key: 'tessera-msg-id', value: Buffer.from('msg-2') }],
    },
    rejectedAt: AT + 5,
  },
  'cdp.events.resolved': {
    profileId: 'prof-1', kind: 'event', messageId: 'msg-1', sourceId: 'src-web', occurredAt: AT - 880,
    identifiers: [{ type: 'anonymous_id', value: 'anon-1' }],
    droppedIdentifiers: [{ type: 'anonymous_id', value: 'anonymous', reason: 'blocked_value' }],
    event: { type: 'track', anonymousId: 'anon-1', event: 'Order Completed', receivedAt: AT, revenue: 19.99, currency: 'EUR' },
    resolvedAt: AT + 20,
  },
  'cdp.identity.merges': {
    changeId: 'chg-1', kind: 'merge', survivorProfileId: 'prof-1', absorbedProfileId: 'prof-2', rule: 'shared_identifier:user_id',
    causingMessageId: 'msg-9', identifiers: [{ type: 'user_id', value: 'u-42' }, { type: 'anonymous_id', value: 'anon-7' }], at: AT,
  },
  'cdp.profiles.changed': {
    profileId: 'prof-1', version: 7, status: 'active', changedFields: ['revenue_total', 'order_count'],
    values: JSON.stringify({ revenue_total: 19.99, order_count: 1, email: 'jane@example.com' }),
    identifiers: [{ type: 'email', value: 'jane@example.com' }], changedAt: AT,
  },
  'cdp.segments.membership': {
    segmentId: 'seg-buyers', profileId: 'prof-1', change: 'entered', version: 7,
    identifiers: [{ type: 'email', value: 'jane@example.com' }], values: JSON.stringify({ order_count: 1 }), at: AT,
    segmentVersion: 3, reason: '$.all[0]: order_count gte 1',
  },
  'cdp.profiles.computed': {
    profileId: 'prof-1', version: 7, at: AT,
    changes: [{ key: 'computed.orders_30d', value: '2', previous: '1' }, { key: 'prediction.ltv_band', value: '"medium"', previous: '"low"' }],
    values: JSON.stringify({ 'computed.orders_30d': 2, 'prediction.ltv_band': 'medium' }),
  },
  'cdp.activation.deliveries': {
    deliveryId: 'del-1', destinationId: 'dst-webhook', segmentId: 'seg-buyers', profileId: 'prof-1', change: 'entered',
    status: 'delivered', attempt: 1, httpStatus: 204, durationMs: 38, at: AT,
  },
};
