import type { Instant } from './activity';
import { withNextChange, type TimedValue } from './next-change';
import type { PredictionConfig } from './prediction-config';
import { windowEdges, windowRange } from './time-window';

export type EngagementMomentum = {
  label: 'rising' | 'steady' | 'declining' | 'new' | 'inactive';
  recentEvents: number;
  previousEvents: number;
  /** (recent per day) / (previous per day); null when the previous period had no events. */
  ratio: number | null;
};

/**
 * Events per day in the last `recentDays` (7) against the `previousDays` (28) before them, so a steady profile scores
 * 1 whatever its volume. rising at >= momentum.rising, declining at <= momentum.declining, steady between; "new" when
 * only the recent period has events, "inactive" when neither has. Counts only change when an event crosses day 7 or
 * day 35 back, so the whole value, ratio included, has an exact next change.
 */
export function engagementMomentum(
  activity: ReadonlyArray<Instant>,
  now: number,
  config: PredictionConfig,
): TimedValue<EngagementMomentum> {
  const { recentDays, previousDays, rising, declining } = config.momentum;
  const valueAt = (t: number): EngagementMomentum => {
    const [recentFrom, to] = windowRange(activity, t, recentDays);
    const [from] = windowRange(activity, t, recentDays + previousDays);
    const recentEvents = to - recentFrom;
    const previousEvents = recentFrom - from;
    if (previousEvents === 0) return { label: recentEvents === 0 ? 'inactive' : 'new', recentEvents, previousEvents, ratio: null };
    const ratio = recentEvents / recentDays / (previousEvents / previousDays);
    const label = atLeast(ratio, rising) ? 'rising' : atLeast(declining, ratio) ? 'declining' : 'steady';
    return { label, recentEvents, previousEvents, ratio };
  };
  return withNextChange(valueAt, now, windowEdges(activity, now, [recentDays, recentDays + previousDays]));
}

/**
 * a >= b to 12 significant digits: ratios of small counts land a last-bit off their exact value (5/7 / (30/28) is
 * 0.6666666666666667, 1 / 1.5 is 0.6666666666666666), and an exact threshold must count as reached.
 */
function atLeast(a: number, b: number): boolean {
  return Number(a.toPrecision(12)) >= Number(b.toPrecision(12));
}
