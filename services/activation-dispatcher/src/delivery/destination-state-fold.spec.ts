import { foldDestinationState } from './destination-state-fold';
import type { OutcomePlan } from './outcome-plan';

const delivered: OutcomePlan = { updates: [], attempts: [], destinationError: null, anyDelivered: true };
const failed = (message: string, httpStatus: number): OutcomePlan => ({
  updates: [],
  attempts: [],
  destinationError: { kind: 'retry', message, httpStatus },
  anyDelivered: false,
});

describe('foldDestinationState', () => {
  it('keeps the last error and the last success, as writing each outcome in turn would', () => {
    expect(
      foldDestinationState([
        { plan: failed('boom', 500), nowMs: 1_000 },
        { plan: delivered, nowMs: 2_000 },
        { plan: failed('busy', 429), nowMs: 3_000 },
        { plan: delivered, nowMs: 4_000 },
      ]),
    ).toEqual({ error: { kind: 'retry', message: 'busy', httpStatus: 429 }, errorAtMs: 3_000, successAtMs: 4_000 });
  });

  it('changes nothing it has no news of', () => {
    expect(foldDestinationState([{ plan: delivered, nowMs: 5 }])).toEqual({ error: null, errorAtMs: null, successAtMs: 5 });
    expect(foldDestinationState([{ plan: { ...delivered, anyDelivered: false }, nowMs: 5 }])).toEqual({
      error: null,
      errorAtMs: null,
      successAtMs: null,
    });
  });
});
