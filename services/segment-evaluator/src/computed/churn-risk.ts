import { activeDays, utcDay, type Instant } from './activity';
import { withNextChange, type TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';
import { DAY_MS, windowEdges, windowRange } from './time-window';

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
 * Only the last `historyDays` count, as a window, so the answer does not depend on when the evaluator trims.
 * `nextChangeAt` is when the risk label changes; the ratio itself moves every ms.
 */
export function churnRisk(activity: ReadonlyArray<Instant>, now: number, config: PredictionConfig): TimedValue<ChurnRisk> {
  const usual = usualIntervalMemo(activity, config);
  const valueAt = (t: number): ChurnRisk => churnRiskAt(activity, t, config, usual);
  return withNextChange(valueAt, now, churnCandidates(activity, now, config, usual), (a, b) => a.risk === b.risk);
}

type UsualOf = (from: number, to: number) => number | null;

/**
 * The usual interval of activity[from, to), remembered by (first active day, to): an older event leaving changes the
 * rhythm only when it was its day's last, so the many edges of a busy history mostly hit the memo (50 events a day
 * over 180 days: 20 ms per evaluation without it).
 */
function usualIntervalMemo(activity: ReadonlyArray<Instant>, config: PredictionConfig): UsualOf {
  const memo = new Map<string, number | null>();
  return (from, to) => {
    if (to <= from) return null;
    const key = `${utcDay(activity[from].at)}:${to}`;
    if (!memo.has(key)) memo.set(key, usualInterval(activity, from, to, config));
    return memo.get(key) ?? null;
  };
}

/**
 * Between two edges of the history window (an activity entering, or leaving at its time + historyDays) the last
 * activity and the usual interval are fixed, and the label can only change at last + medium and last + high
 * intervals. Walked lazily in time order, so the common case (the next threshold comes first) stops at once.
 */
function* churnCandidates(activity: ReadonlyArray<Instant>, now: number, config: PredictionConfig, usualOf: UsualOf): Generator<number> {
  let from = now;
  const edges = windowEdges(activity, now, [config.historyDays]);
  for (;;) {
    const next = edges.next();
    const until = next.done ? Number.POSITIVE_INFINITY : next.value;
    const [lo, hi] = windowRange(activity, from, config.historyDays);
    const usual = usualOf(lo, hi);
    if (hi > lo && usual !== null) {
      for (const ratio of [config.churnRatios.medium, config.churnRatios.high]) {
        const t = Math.ceil(activity[hi - 1].at + ratio * usual * DAY_MS);
        if (t > from && t < until) yield t;
      }
    }
    if (next.done) return;
    yield until;
    from = until;
  }
}

function churnRiskAt(activity: ReadonlyArray<Instant>, t: number, config: PredictionConfig, usualOf: UsualOf): ChurnRisk {
  const [lo, hi] = windowRange(activity, t, config.historyDays);
  const last = hi > lo ? activity[hi - 1].at : null;
  const usual = usualOf(lo, hi);
  if (last === null || usual === null) return { risk: 'unknown', ratio: null, usualIntervalDays: usual, lastActivityAt: last };
  // Compared in ms, the same expression as the candidate instants, so a label flips exactly at its candidate.
  const since = t - last;
  const risk =
    since >= config.churnRatios.high * usual * DAY_MS ? 'high' : since >= config.churnRatios.medium * usual * DAY_MS ? 'medium' : 'low';
  return { risk, ratio: since / DAY_MS / usual, usualIntervalDays: usual, lastActivityAt: last };
}

/** Median gap in days between consecutive active days of activity[from, to); null with too few gaps. */
export function usualInterval(activity: ReadonlyArray<Instant>, from: number, to: number, config: PredictionConfig): number | null {
  const days = activeDays(activity, from, to);
  const gaps = days.slice(1).map((day, i) => day - days[i]);
  if (gaps.length < Math.max(1, config.churnMinIntervals)) return null;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}
