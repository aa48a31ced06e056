import type { DestinationError, OutcomePlan } from './outcome-plan';

/** What a destination's status row gets from a run of outcomes: its last error and when, and its last success. */
export interface DestinationStateChange {
  error: DestinationError | null;
  errorAtMs: number | null;
  successAtMs: number | null;
}

/**
 * Folds outcomes, in the order they finished, into one change of the destination's status row: the same row as
 * writing each of them in turn (a later error replaces an earlier one, an outcome without one keeps it).
 */
export function foldDestinationState(outcomes: ReadonlyArray<{ plan: OutcomePlan; nowMs: number }>): DestinationStateChange {
  const change: DestinationStateChange = { error: null, errorAtMs: null, successAtMs: null };
  for (const { plan, nowMs } of outcomes) {
    if (plan.destinationError) {
      change.error = plan.destinationError;
      change.errorAtMs = nowMs;
    }
    if (plan.anyDelivered) change.successAtMs = nowMs;
  }
  return change;
}
