import { createTestProducer } from '@tessera/testing';
import { encode, Topics, type ValidEventInput } from '@tessera/contracts';

const TRACK_NAMES = ['Page Viewed', 'Product Viewed', 'Added to Cart', 'Order Completed', 'Signed Up'] as const;
const START_MS = Date.UTC(2026, 0, 1);

/** How a person shows up: never logs in, logs in on one device, or browses on two devices and logs in on both. */
export type PersonKind = 'anonymous' | 'one-device' | 'two-devices';

export interface PipelinePerson {
  index: number;
  kind: PersonKind;
  /** Every user_id and anonymous_id the person's events carry; all of them end on the person's one profile. */
  identifiers: { type: 'user_id' | 'anonymous_id'; value: string }[];
  /** Event name (as the merger counts it: track name, `$identify`) -> how many of the person's events have it. */
  expectedCounts: Map<string, number>;
  expectedTotal: number;
}

export interface PipelineWorkload {
  /** In production order: each person's events in their own order, the people interleaved at random. */
  events: ValidEventInput[];
  people: PipelinePerson[];
  /** Events of two-device people from the identify that merges their devices on: they cause or follow a merge. */
  eventsAtOrAfterMerges: number;
}

/** mulberry32: a tiny seeded generator, so a failing run can be repeated with the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Step = { userId?: string; anonymousId?: string; identify?: boolean };

/** One person's events, as identifier steps: browsing, identifies, then logged-in activity. */
function personSteps(p: number, kind: PersonKind, count: number): { steps: Step[]; mergeStep: number | null } {
  const user = `u-${p}`;
  const deviceA = `a-${p}`;
  const deviceB = `b-${p}`;
  const steps: Step[] = [];
  if (kind === 'anonymous') {
    for (let i = 0; i < count; i++) steps.push({ anonymousId: deviceA });
    return { steps, mergeStep: null };
  }
  if (kind === 'one-device') {
    const browsing = Math.floor(count / 2);
    for (let i = 0; i < browsing; i++) steps.push({ anonymousId: deviceA });
    steps.push({ userId: user, anonymousId: deviceA, identify: true });
    while (steps.length < count) steps.push(steps.length % 2 === 0 ? { userId: user } : { userId: user, anonymousId: deviceA });
    return { steps, mergeStep: null };
  }
  const perDevice = Math.floor(count * 0.3);
  for (let i = 0; i < perDevice; i++) steps.push({ anonymousId: deviceA });
  for (let i = 0; i < perDevice; i++) steps.push({ anonymousId: deviceB });
  steps.push({ userId: user, anonymousId: deviceA, identify: true });
  const mergeStep = steps.length;
  steps.push({ userId: user, anonymousId: deviceB, identify: true });
  while (steps.length < count) steps.push(steps.length % 2 === 0 ? { userId: user } : { anonymousId: deviceB });
  return { steps, mergeStep };
}

/** Only what this workload sets: encode() fills every other field with its schema default (null, false, []). */
function validEvent(messageId: string, step: Step, name: string, at: number): ValidEventInput {
  const identify = step.identify === true;
  return {
    messageId,
    sourceId: 'web',
    type: identify ? 'identify' : 'track',
    userId: step.userId ?? null,
    anonymousId: step.anonymousId ?? null,
    event: identify ? null : name,
    timestamp: at,
    receivedAt: at,
    properties: identify ? null : JSON.stringify(name === 'Order Completed' ? { total: 12.5 } : {}),
    traits: identify ? JSON.stringify({ email: `${step.userId}@example.com`, plan: 'free' }) : null,
    // What validation marks on an order (each its own order: no order id), in the default reporting currency.
    ...(name === 'Order Completed' && !identify
      ? {
          revenue: 12.5,
          currency: 'USD',
          commerce: { kind: 'order' as const, orderId: null, amount: 12.5, currency: 'USD', currencyOrigin: 'event' as const },
        }
      : {}),
  };
}

/**
 * `total` valid events over `peopleCount` people (3 in 10 anonymous only, 2 in 10 log in on one device, 5 in 10
 * browse on two devices and log in on both, which merges two profiles), deterministic for a seed.
 */
export function buildPipelineWorkload(total: number, peopleCount: number, seed: number): PipelineWorkload {
  const random = seededRandom(seed);
  const base = Math.floor(total / peopleCount);
  const people: PipelinePerson[] = [];
  const queues: ValidEventInput[][] = [];
  let eventsAtOrAfterMerges = 0;
  let clock = START_MS;
  for (let p = 0; p < peopleCount; p++) {
    const kind: PersonKind = p % 10 < 3 ? 'anonymous' : p % 10 < 5 ? 'one-device' : 'two-devices';
    const count = base + (p < total - base * peopleCount ? 1 : 0);
    const { steps, mergeStep } = personSteps(p, kind, count);
    const expectedCounts = new Map<string, number>();
    const queue = steps.map((step, k) => {
      const name = step.identify ? '$identify' : TRACK_NAMES[Math.floor(random() * TRACK_NAMES.length)];
      expectedCounts.set(name, (expectedCounts.get(name) ?? 0) + 1);
      return validEvent(`pc-${p}-${k}`, step, name, (clock += 7));
    });
    if (mergeStep !== null) eventsAtOrAfterMerges += steps.length - mergeStep;
    const identifiers = [
      ...new Set(
        steps.flatMap((s) => [s.userId ? `user_id:${s.userId}` : '', s.anonymousId ? `anonymous_id:${s.anonymousId}` : '']).filter(Boolean),
      ),
    ].map((key) => {
      const [type, value] = key.split(':') as ['user_id' | 'anonymous_id', string];
      return { type, value };
    });
    people.push({ index: p, kind, identifiers, expectedCounts, expectedTotal: steps.length });
    queues.push(queue);
  }
  // Interleave: repeatedly take the next event of a random person who has some left.
  const cursors = queues.map(() => 0);
  const open = queues.map((_, p) => p);
  const events: ValidEventInput[] = [];
  while (open.length > 0) {
    const slot = Math.floor(random() * open.length);
    const p = open[slot];
    events.push(queues[p][cursors[p]++]);
    if (cursors[p] === queues[p].length) {
      open[slot] = open[open.length - 1];
      open.pop();
    }
  }
  return { events, people, eventsAtOrAfterMerges };
}

/**
 * Produces the events to cdp.events.valid in batches, keyed by their best identifier (user id, else anonymous
 * id) as validation keys them, so one person's events spread over several partitions.
 */
export async function producePipelineEvents(brokers: string[], events: ValidEventInput[], batchSize = 1_000, pauseMs = 100): Promise<void> {
  const producer = createTestProducer(brokers, 'pipeline-crash-producer');
  await producer.connect();
  try {
    for (let start = 0; start < events.length; start += batchSize) {
      await producer.send({
        topic: Topics.EventsValid,
        acks: -1,
        messages: events
          .slice(start, start + batchSize)
          .map((event) => ({ key: event.userId ?? event.anonymousId, value: encode(Topics.EventsValid, event) })),
      });
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  } finally {
    await producer.disconnect();
  }
}
