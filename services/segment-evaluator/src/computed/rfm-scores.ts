import { activeDayCounter, type Instant } from './activity';
import { withNextChange, type TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';
import { DAY_MS, windowEdges, windowRange } from './time-window';

export type RecencyScore = { score: number; lastActivityAt: number | null };
export type FrequencyScore = { score: number; activeDays: number };
export type MonetaryScore = { score: number | null; lifetimeValue: number | null };

/** 1 plus the number of thresholds the amount reaches (thresholds ascending): 1..5 for four thresholds. */
export function thresholdScore(amount: number, thresholds: ReadonlyArray<number>): number {
  return 1 + thresholds.filter((threshold) => amount >= threshold).length;
}

/**
 * R: 5 when the last activity is within the last recencyDays[0] days, down to 1 when there is none within the last
 * recencyDays[3]. Windows as everywhere here: (t - N days, t], so the score drops at the last activity + N days;
 * the last activity is looked for within the history (historyDays), as a window too.
 */
export function recencyScore(activity: ReadonlyArray<Instant>, now: number, config: PredictionConfig): TimedValue<RecencyScore> {
  const valueAt = (t: number): RecencyScore => {
    const [from, to] = windowRange(activity, t, config.historyDays);
    const last = to > from ? activity[to - 1].at : null;
    const windows = config.recencyDays.filter((days) => last !== null && last > t - days * DAY_MS).length;
    return { score: 1 + windows, lastActivityAt: last };
  };
  return withNextChange(valueAt, now, windowEdges(activity, now, [...config.recencyDays, config.historyDays]));
}

/** F: distinct active UTC days in the last frequencyWindowDays; 1 plus each frequencyActiveDays threshold reached. */
export function frequencyScore(activity: ReadonlyArray<Instant>, now: number, config: PredictionConfig): TimedValue<FrequencyScore> {
  const countDays = activeDayCounter(activity);
  const valueAt = (t: number): FrequencyScore => {
    const days = countDays(...windowRange(activity, t, config.frequencyWindowDays));
    return { score: thresholdScore(days, config.frequencyActiveDays), activeDays: days };
  };
  return withNextChange(valueAt, now, windowEdges(activity, now, [config.frequencyWindowDays]));
}

/**
 * M: from the merger's lifetime value; time alone never changes it. No lifetime value at all scores 1; a value in
 * another currency than the thresholds' (ltvCurrency) scores null, since comparing it would be meaningless.
 */
export function monetaryScore(lifetimeValue: number | null, currencyMatches: boolean, config: PredictionConfig): TimedValue<MonetaryScore> {
  const score = !currencyMatches ? null : lifetimeValue === null ? 1 : thresholdScore(lifetimeValue, config.monetaryThresholds);
  return { value: { score, lifetimeValue }, nextChangeAt: null };
}
