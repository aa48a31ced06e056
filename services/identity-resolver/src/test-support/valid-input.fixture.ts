import { randomUUID } from 'node:crypto';
import type { ValidEvent, ValidRecord } from '@tessera/contracts';

/** A cdp.events.valid payload with every field set; tests override what matters. */
export function validEvent(overrides: Partial<ValidEvent> = {}): ValidEvent {
  const now = Date.now();
  return {
    messageId: randomUUID(),
    sourceId: 'web',
    type: 'track',
    userId: null,
    anonymousId: null,
    event: 'Page Viewed',
    name: null,
    category: null,
    groupId: null,
    previousId: null,
    timestamp: now,
    originalTimestamp: now,
    sentAt: now,
    receivedAt: now,
    properties: '{}',
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

export function validRecord(overrides: Partial<ValidRecord> = {}): ValidRecord {
  const now = Date.now();
  return {
    messageId: randomUUID(),
    sourceId: 'crm',
    objectType: 'contact',
    recordId: randomUUID(),
    mapping: {},
    attributes: '{}',
    observedAt: now,
    receivedAt: now,
    isTest: false,
    origin: null,
    ...overrides,
  };
}
