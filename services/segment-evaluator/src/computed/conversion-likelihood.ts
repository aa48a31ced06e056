import type { EventHistory } from '../rules/event-history';
import { withNextChange, type TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';
import { DAY_MS, firstAfter, windowEdges } from './time-window';

export type ConversionLikelihood = { likelihood: string; step: string | null };

type Marked = { at: number; step: number };
const CONVERSION = -1;

/**
 * A purchase-intent stage, not a probability: the furthest configured funnel step (steps ordered from weakest to
 * strongest intent) the profile did in the last `windowDays` and after its last conversion, whose own likelihood
 * label it takes; "none" without any. A conversion clears the funnel (a step before it already converted).
 */
export function conversionLikelihood(history: EventHistory, now: number, config: PredictionConfig): TimedValue<ConversionLikelihood> {
  const { windowDays, conversionEvents, steps } = config.conversion;
  const marked: Marked[] = [];
  for (const name of conversionEvents) for (const { at } of history.get(name) ?? []) marked.push({ at, step: CONVERSION });
  steps.forEach(({ event }, step) => {
    for (const { at } of history.get(event) ?? []) marked.push({ at, step });
  });
  // At one instant a conversion sorts last: it clears the steps of that same instant.
  marked.sort((a, b) => a.at - b.at || (a.step === CONVERSION ? 1 : 0) - (b.step === CONVERSION ? 1 : 0));
  const valueAt = (t: number): ConversionLikelihood => {
    let best = -1;
    for (let i = firstAfter(marked, t) - 1; i >= 0 && marked[i].at > t - windowDays * DAY_MS; i--) {
      if (marked[i].step === CONVERSION) break;
      best = Math.max(best, marked[i].step);
    }
    return best < 0 ? { likelihood: 'none', step: null } : { likelihood: steps[best].likelihood, step: steps[best].event };
  };
  return withNextChange(valueAt, now, windowEdges(marked, now, [windowDays]));
}
