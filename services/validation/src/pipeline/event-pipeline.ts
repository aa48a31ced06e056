import type { RawEvent, ValidEventInput } from '@tessera/contracts';
import { fromStep, type StepResult } from '@tessera/kafka';
import type { EventDraft, Step, StepEnvironment } from './pipeline-types';
import { clockSkewStep } from './steps/clock-skew.step';
import { commerceNormalizationStep } from './steps/commerce-normalization.step';
import { contactNormalizationStep } from './steps/contact-normalization.step';
import { orderFactsStep } from './steps/order-facts.step';
import { parseJsonFieldsStep } from './steps/parse-json-fields.step';
import { structuralChecksStep } from './steps/structural-checks.step';
import { testTrafficStep } from './steps/test-traffic.step';
import { trackingPlanStep } from './steps/tracking-plan.step';
import { traitDatesStep } from './steps/trait-dates.step';

/**
 * The named steps an event passes in order, after structural-checks (which builds the draft); the first non-ok
 * result ends its journey, and a rejection carries the name of the step that made it (DLQ header, metric label).
 */
const EVENT_STEPS: readonly [string, Step<EventDraft>][] = [
  ['parse-json-fields', parseJsonFieldsStep()],
  ['clock-skew', clockSkewStep()],
  ['test-traffic', testTrafficStep()],
  ['contact-normalization', contactNormalizationStep()],
  ['trait-dates', traitDatesStep()],
  ['commerce-normalization', commerceNormalizationStep()],
  ['order-facts', orderFactsStep()],
  ['tracking-plan', trackingPlanStep()],
];

const structuralChecks = structuralChecksStep();

/** Runs one raw event through validation and normalization (dedupe happens afterwards, set-based, per batch). */
export function runEventPipeline(raw: RawEvent, env: StepEnvironment): StepResult<ValidEventInput> {
  const start = structuralChecks(raw, env);
  if (start.kind !== 'ok') return fromStep('structural-checks', start);
  let draft = start.value;
  for (const [name, step] of EVENT_STEPS) {
    const result = step(draft, env);
    if (result.kind !== 'ok') return fromStep(name, result);
    draft = result.value;
  }
  return { kind: 'ok', value: toValidEvent(draft) };
}

function json(value: object | null): string | null {
  return value === null ? null : JSON.stringify(value);
}

export function toValidEvent(draft: EventDraft): ValidEventInput {
  const raw = draft.raw;
  return {
    messageId: raw.messageId,
    sourceId: raw.sourceId,
    type: draft.type,
    userId: draft.userId,
    anonymousId: draft.anonymousId,
    event: draft.event,
    name: raw.name,
    category: raw.category,
    groupId: draft.groupId,
    previousId: draft.previousId,
    timestamp: draft.timestamp,
    originalTimestamp: draft.originalTimestamp,
    sentAt: draft.sentAt,
    receivedAt: raw.receivedAt,
    properties: json(draft.properties),
    traits: json(draft.traits),
    context: json(draft.context),
    integrations: json(draft.integrations),
    extra: json(draft.extra),
    revenue: draft.revenue,
    currency: draft.currency,
    isTest: draft.isTest,
    commerce: draft.commerce,
    violations: draft.violations,
  };
}

/** Partition key downstream: the best identifier (userId, else anonymousId), as the topic catalog says. */
export function validEventKey(event: Pick<ValidEventInput, 'userId' | 'anonymousId'>): string {
  return event.userId ?? event.anonymousId ?? '';
}
