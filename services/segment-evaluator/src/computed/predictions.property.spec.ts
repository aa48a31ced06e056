import fc from 'fast-check';
import type { EventHistory } from '../rules/event-history';
import type { TimedValue } from './next-change';
import { DEFAULT_PREDICTION_CONFIG as config } from './prediction-config';
import { evaluatePredictions } from './predictions';
import { DAY_MS } from './time-window';

const T0 = Date.UTC(2026, 0, 1);
const FUNNEL = ['Product Viewed', 'Product Added', 'Checkout Started'];
const NAMES = ['Page Viewed', 'Order Completed', ...FUNNEL];

/** Naive references: plain filters over every occurrence, recomputed from scratch at t. */
const all = (h: EventHistory) => [...h.values()].flat().map((o) => o.at);
const upTo = (h: EventHistory, t: number) =>
  all(h)
    .filter((at) => at <= t)
    .sort((a, b) => a - b);
/** What the kept history holds at t: the last historyDays, as a window. */
const kept = (h: EventHistory, t: number) => upTo(h, t).filter((at) => t - at < config.historyDays * DAY_MS);
const within = (h: EventHistory, t: number, days: number) => upTo(h, t).filter((at) => t - at < days * DAY_MS);

function recency(h: EventHistory, t: number) {
  const ats = kept(h, t);
  const last = ats.length ? ats[ats.length - 1] : null;
  return { score: 1 + config.recencyDays.filter((d) => last !== null && t - last < d * DAY_MS).length, lastActivityAt: last };
}

function frequency(h: EventHistory, t: number) {
  const days = new Set(within(h, t, config.frequencyWindowDays).map((at) => Math.floor(at / DAY_MS))).size;
  return { score: 1 + config.frequencyActiveDays.filter((n) => days >= n).length, activeDays: days };
}

function usual(ats: number[]): number | null {
  const days = [...new Set(ats.map((at) => Math.floor(at / DAY_MS)))].sort((a, b) => a - b);
  const gaps = days
    .slice(1)
    .map((d, i) => d - days[i])
    .sort((a, b) => a - b);
  if (gaps.length < config.churnMinIntervals) return null;
  return gaps.length % 2 ? gaps[(gaps.length - 1) / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
}

function churn(h: EventHistory, t: number) {
  const ats = kept(h, t);
  const u = usual(ats);
  if (u === null || !ats.length) return 'unknown';
  const since = t - ats[ats.length - 1];
  return since >= config.churnRatios.high * u * DAY_MS ? 'high' : since >= config.churnRatios.medium * u * DAY_MS ? 'medium' : 'low';
}

function momentum(h: EventHistory, t: number) {
  const recent = within(h, t, 7).length;
  const previous = within(h, t, 35).length - recent;
  if (!previous) return { label: recent ? 'new' : 'inactive', recentEvents: recent, previousEvents: 0, ratio: null };
  const ratio = recent / 7 / (previous / 28);
  // Exact thresholds in integers: ratio = 4 recent / previous; rising at >= 3/2, declining at <= 2/3.
  const label = 4 * recent * 2 >= 3 * previous ? 'rising' : 4 * recent * 3 <= 2 * previous ? 'declining' : 'steady';
  return { label, recentEvents: recent, previousEvents: previous, ratio };
}

function conversion(h: EventHistory, t: number) {
  const orders = (h.get('Order Completed') ?? []).map((o) => o.at).filter((at) => at <= t);
  const lastOrder = orders.length ? Math.max(...orders) : -Infinity;
  let best = -1;
  FUNNEL.forEach((name, i) => {
    if ((h.get(name) ?? []).some(({ at }) => at <= t && t - at < 7 * DAY_MS && at > lastOrder)) best = i;
  });
  return best < 0 ? { likelihood: 'none', step: null } : { likelihood: config.conversion.steps[best].likelihood, step: FUNNEL[best] };
}

const atArb = (halfDays: number) =>
  fc.tuple(fc.integer({ min: 0, max: halfDays }), fc.constantFrom(0, 0, 1, 7_777)).map(([q, ms]) => T0 + q * (DAY_MS / 2) + ms);
const historyArb = (halfDays: number, maxLength = 25) =>
  fc.array(fc.record({ name: fc.constantFrom(...NAMES), at: atArb(halfDays) }), { maxLength }).map((items): EventHistory => {
    const h = new Map<string, Array<{ at: number; properties: Record<string, unknown> }>>();
    for (const { name, at } of [...items].sort((a, b) => a.at - b.at)) h.set(name, [...(h.get(name) ?? []), { at, properties: {} }]);
    return h;
  });
const nowArb = (quarterDays: number) => fc.integer({ min: 0, max: quarterDays }).map((q) => T0 + q * (DAY_MS / 4));

/** Instants where some reference could change: occurrences, their window ends, churn thresholds, each +-1 ms. */
function checkpoints(h: EventHistory, now: number, extra: number[]): number[] {
  const out = new Set<number>(extra);
  const ats = all(h);
  for (const at of ats) {
    for (const d of [0, 7, 30, 35, 90, 180]) for (const e of [-1, 0, 1]) out.add(at + d * DAY_MS + e);
    // Churn thresholds of every rhythm the window can hold with `at` as its last activity.
    for (const first of ats.filter((x) => x <= at && at - x < config.historyDays * DAY_MS)) {
      const u = usual(ats.filter((x) => x >= first && x <= at));
      if (u !== null)
        for (const r of [config.churnRatios.medium, config.churnRatios.high]) for (const e of [-1, 0, 1]) out.add(at + r * u * DAY_MS + e);
    }
  }
  return [...out].filter((t) => t > now).sort((a, b) => a - b);
}

function expectTimed<V>(
  timed: TimedValue<V>,
  ref: (t: number) => unknown,
  now: number,
  points: number[],
  project: (v: V) => unknown = (v) => v,
) {
  const value = project(timed.value);
  expect(value).toEqual(ref(now));
  const end = timed.nextChangeAt ?? Number.POSITIVE_INFINITY;
  for (const t of points) if (t < end) expect(ref(t)).toEqual(value);
  if (timed.nextChangeAt !== null) {
    expect(timed.nextChangeAt).toBeGreaterThan(now);
    expect(ref(timed.nextChangeAt)).not.toEqual(value);
    expect(ref(timed.nextChangeAt - 1)).toEqual(value);
  }
}

describe('predictions against brute-force references', () => {
  it('each time-driven prediction equals its reference at now, holds until nextChangeAt and differs there', () => {
    fc.assert(
      fc.property(
        historyArb(240),
        nowArb(300 * 4),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 10 }),
        (h, now, fractions) => {
          const p = evaluatePredictions(h, {}, now);
          const spread = (next: number | null) => fractions.map((f) => Math.floor(now + f * ((next ?? now + 400 * DAY_MS) - now)));
          expectTimed(p.recency, (t) => recency(h, t), now, checkpoints(h, now, spread(p.recency.nextChangeAt)));
          expectTimed(p.frequency, (t) => frequency(h, t), now, checkpoints(h, now, spread(p.frequency.nextChangeAt)));
          expectTimed(
            p.churnRisk,
            (t) => churn(h, t),
            now,
            checkpoints(h, now, spread(p.churnRisk.nextChangeAt)),
            (v) => v.risk,
          );
          expectTimed(p.engagementMomentum, (t) => momentum(h, t), now, checkpoints(h, now, spread(p.engagementMomentum.nextChangeAt)));
          expectTimed(
            p.conversionLikelihood,
            (t) => conversion(h, t),
            now,
            checkpoints(h, now, spread(p.conversionLikelihood.nextChangeAt)),
          );
          const times = [p.recency, p.frequency, p.churnRisk, p.engagementMomentum, p.conversionLikelihood]
            .map((x) => x.nextChangeAt)
            .filter((t) => t !== null);
          expect(p.nextChangeAt).toEqual(times.length ? Math.min(...(times as number[])) : null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('momentum with up to 60 events (the exact 2/3 boundary is a unit test)', () => {
    fc.assert(
      fc.property(historyArb(80, 60), nowArb(200), (h, now) => {
        expectTimed(evaluatePredictions(h, {}, now).engagementMomentum, (t) => momentum(h, t), now, checkpoints(h, now, []));
      }),
      { numRuns: 300 },
    );
  });

  it('conversion likelihood on a dense week: orders and funnel steps often share an instant', () => {
    fc.assert(
      fc.property(historyArb(20), nowArb(60), (h, now) => {
        expectTimed(evaluatePredictions(h, {}, now).conversionLikelihood, (t) => conversion(h, t), now, checkpoints(h, now, []));
      }),
      { numRuns: 1000 },
    );
  });
});
