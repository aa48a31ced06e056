import type { RawEvent, RawRecord } from '@tessera/contracts';
import { emptyObservations } from '../quality-report/item-observations';
import { PlanValidatorCache } from '../tracking-plans/plan-validator-cache';
import type { StepEnvironment } from '../pipeline/pipeline-types';

/** A RawEvent as the gateway would produce it, with overrides. */
export function rawEvent(overrides: Partial<RawEvent> = {}): RawEvent {
  return {
    messageId: 'm-1',
    sourceId: 'src-1',
    receivedAt: Date.parse('2026-11-22T10:00:00.000Z'),
    type: 'track',
    userId: 'user-1',
    anonymousId: null,
    event: 'Order Completed',
    name: null,
    category: null,
    groupId: null,
    previousId: null,
    timestamp: null,
    sentAt: null,
    originalTimestamp: null,
    properties: null,
    traits: null,
    context: null,
    integrations: null,
    extra: null,
    ...overrides,
  };
}

export function rawRecord(overrides: Partial<RawRecord> = {}): RawRecord {
  return {
    messageId: 'r-1',
    sourceId: 'crm',
    receivedAt: Date.parse('2026-11-22T10:00:00.000Z'),
    objectType: 'contact',
    recordId: 'c-1',
    mapping: { mail: 'email', mobile: 'phone', crmId: 'crm_id' },
    attributes: JSON.stringify({ mail: ' Ada@Example.COM ', mobile: '030 1234567', crmId: 'C-1' }),
    observedAt: null,
    renames: {},
    casts: {},
    origin: null,
    ...overrides,
  };
}

export function stepEnvironment(overrides: Partial<StepEnvironment> = {}): StepEnvironment {
  return {
    plan: undefined,
    settings: undefined,
    defaultPhoneRegion: '',
    maxFutureSkewMs: 86_400_000,
    planValidators: new PlanValidatorCache(),
    observations: emptyObservations(),
    ...overrides,
  };
}
