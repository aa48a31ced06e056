import { activeDays, type Instant } from './activity';
import { withNextChange, type TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';
import { DAY_MS, firstAfter } from './time-window';

export type ChurnRisk = {
  risk: 'low' | 'medium' | 'high' | 'unknown';
  /** Days since the last activity over the usual interval, as of the evaluation (it grows continuously). */
  ratio: number | null;
  usualIntervalDays: number | null;
  lastActivityAt: number | null;
};

/**
 * Churn risk against the profile's own rhythm: the usual interval is the median gap, in days, between consecutive
 * active UTC days (the median, so one long holiday does not make a weekly user look monthly). The ratio is the days
 * since the last activity over that interval: low below churnRatios.medium, medium below churnRatios.high, else
 * high. With fewer than churnMinIntervals gaps the rhythm is unknown and so is the risk: no guess from other people.
 * `nextChangeAt` is when the risk label changes (last activity + ratio x interval); the ratio itself moves every ms.
 */
export function churnRisk(activity: ReadonlyArray<Instant>, now: number, config: PredictionConfig): TimedValue<ChurnRisk> {
  const valueAt = (t: number): ChurnRisk => churnRiskAt(activity, t, config);
  const candidates = new Set<number>();
  // The activity up to now is one state; each future-dated activity (clock skew) starts another, at its own time.
  // Each state's label changes at two instants: its last activity + medium and + high usual intervals.
  const known = firstAfter(activity, now);
  for (let upTo = Math.max(known, 1); upTo <= activity.length; upTo++) {
    const last = activity[upTo - 1].at;
    if (upTo > known) candidates.add(last);
    const usual = usualInterval(activity, upTo, config);
    if (usual === null) continue;
    for (const ratio of [config.churnRatios.medium, config.churnRatios.high]) candidates.add(Math.ceil(last + ratio * usual * DAY_MS));
  }
  const ordered = [...candidates].sort((a, b) => a - b);
  return withNextChange(valueAt, now, ordered, (a, b) => a.risk === b.risk);
}

function churnRiskAt(activity: ReadonlyArray<Instant>, t: number, config: PredictionConfig): ChurnRisk {
  const upTo = firstAfter(activity, t);
  const last = upTo > 0 ? activity[upTo - 1].at : null;
  const usual = usualInterval(activity, upTo, config);
  if (last === null || usual === null) return { risk: 'unknown', ratio: null, usualIntervalDays: usual, lastActivityAt: last };
  // Compared in ms, the same expression as the candidate instants, so a label flips exactly at its candidate.
  const since = t - last;
  const risk = since >= config.churnRatios.high * usual * DAY_MS ? 'high' : since >= config.churnRatios.medium * usual * DAY_MS ? 'medium' : 'low';
  return { risk, ratio: since / DAY_MS / usual, usualIntervalDays: usual, lastActivityAt: last };
}

/** Median gap in days between consecutive active days of activity[0, upTo); null with too few gaps. */
export function usualInterval(activity: ReadonlyArray<Instant>, upTo: number, config: PredictionConfig): number | null {
  const days = activeDays(activity, 0, upTo);
  const gaps = days.slice(1).map((day, i) => day - days[i]);
  if (gaps.length < Math.max(1, config.churnMinIntervals)) return null;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}
