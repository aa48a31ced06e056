import { encode, Topics, type ValidEvent } from '@tessera/contracts';
import { formatOutboxSequence, MessageHeaders } from '@tessera/kafka';

/** One person of the workload: three browsing devices, then a login that links them all. */
export const EVENTS_PER_PERSON = 10;
/** Of a person's 10 events, the 8th and the 9th each merge a device's profile into the logged-in one. */
export const MERGES_PER_PERSON = 2;

/** Steps 0-5 are anonymous browsing on three devices; the bench resolves them before producing the logins. */
export const ANONYMOUS_STEPS = 6;

const BASE_TIME = Date.UTC(2026, 10, 1);

function event(person: number, step: number, fields: Partial<ValidEvent>): ValidEvent {
  const at = BASE_TIME + step * 60_000 + person;
  return {
    messageId: `bench-${person}-${step}`,
    sourceId: 'web',
    type: 'track',
    userId: null,
    anonymousId: null,
    event: 'Product Viewed',
    name: null,
    category: null,
    groupId: null,
    previousId: null,
    timestamp: at,
    originalTimestamp: at,
    sentAt: at,
    receivedAt: at,
    properties: `{"sku":"sku-${step}","price":19.99}`,
    traits: null,
    // analytics.js sends context.campaign only on a landing with UTM parameters: here each device's first event.
    context:
      step % 2 === 0 && step < ANONYMOUS_STEPS
        ? '{"campaign":{"source":"newsletter","medium":"email","name":"autumn"},"page":{"path":"/p"}}'
        : '{"page":{"path":"/p"}}',
    integrations: null,
    extra: null,
    revenue: null,
    currency: null,
    isTest: false,
    commerce: null,
    violations: [],
    ...fields,
  };
}

/**
 * The person's 10 events, in time order. Steps 0-5 are anonymous on devices a, b and c (three profiles); step 6
 * identifies on device a (attach, no merge); steps 7 and 8 carry the user id with devices b and c, each merging
 * that device's profile into the user's: 2 merging events out of 10 (20 %). Step 9 is an order.
 */
export function personEvent(person: number, step: number): ValidEvent {
  const anonymous = (device: string) => `anon-${person}-${device}`;
  const userId = `user-${person}`;
  switch (step) {
    case 0:
    case 1:
      return event(person, step, { anonymousId: anonymous('a') });
    case 2:
    case 3:
      return event(person, step, { anonymousId: anonymous('b') });
    case 4:
    case 5:
      return event(person, step, { anonymousId: anonymous('c') });
    case 6:
      return event(person, step, {
        type: 'identify',
        event: null,
        userId,
        anonymousId: anonymous('a'),
        properties: null,
        traits: `{"email":"person${person}@example.com","firstName":"P${person}","plan":"pro"}`,
      });
    case 7:
      return event(person, step, { userId, anonymousId: anonymous('b'), event: 'Signed In' });
    case 8:
      return event(person, step, { userId, anonymousId: anonymous('c'), event: 'Signed In' });
    default:
      return event(person, step, {
        userId,
        event: 'Order Completed',
        revenue: 42.5,
        currency: 'USD',
        properties: '{"orderId":"o-1","total":42.5}',
      });
  }
}

export interface EncodedEvent {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * All events of `people` people, interleaved step by step (every person's step 0, then every step 1, ...), so each
 * consumed slice holds many people and a person's events fall on different partitions (keyed as validation keys
 * them: userId, else anonymousId) and in different slices.
 */
export function encodedWorkload(people: number): EncodedEvent[] {
  const out: EncodedEvent[] = [];
  for (let step = 0; step < EVENTS_PER_PERSON; step++) {
    for (let person = 0; person < people; person++) {
      const value = personEvent(person, step);
      const key = value.userId ?? value.anonymousId ?? '';
      // As validation's outbox relay stamps them (a lane per input partition, positions growing in each): the
      // resolver dedupes on the sequence.
      const sequence = formatOutboxSequence({
        origin: 'bench-validation',
        lane: `c:validation:${Topics.EventsRaw}:${person % 4}`,
        pos: BigInt(out.length),
      });
      out.push({
        key,
        value: encode(Topics.EventsValid, value),
        headers: { [MessageHeaders.sequence]: sequence },
      });
    }
  }
  return out;
}
