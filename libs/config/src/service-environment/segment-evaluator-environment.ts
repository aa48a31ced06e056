import { EnvError, makeValidator } from 'envalid';
import { int } from '../env-validators';

function fail(expected: string): never {
  throw new EnvError(`must be ${expected}`);
}

const parseNumber = (text: string): number => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : NaN);

/** `count` strictly ascending numbers within [min, max], comma-separated, e.g. `7,30,90,180`. */
function ascendingNumbers(count: number, min: number, max: number, integers: boolean, example: string) {
  const expected = `${count} strictly ascending ${integers ? 'integers' : 'numbers'} ${min}-${max}, comma-separated, e.g. ${example}`;
  return makeValidator<number[]>((input) => {
    const values = input.split(',').map(parseNumber);
    const ok =
      values.length === count &&
      values.every(
        (v, i) => Number.isFinite(v) && v >= min && v <= max && (!integers || Number.isInteger(v)) && (i === 0 || v > values[i - 1]),
      );
    if (!ok) fail(expected);
    return values;
  });
}

/** A number (decimals allowed) within [min, max]. */
function decimal(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = parseNumber(input);
    if (!Number.isFinite(value) || value < min || value > max) fail(`a number ${min}-${max}`);
    return value;
  });
}

/** LTV bands as `name:min` pairs, ascending by min, e.g. `low:0.01,medium:100,high:500,top:2000`. */
const ltvBands = makeValidator<Array<{ name: string; min: number }>>((input) => {
  const bands = input.split(',').map((pair) => {
    const match = /^\s*([a-z][a-z0-9_]{0,30}):(\S+)\s*$/.exec(pair);
    return { name: match?.[1] ?? '', min: match ? parseNumber(match[2]) : NaN };
  });
  const names = new Set(bands.map((b) => b.name));
  const ok =
    bands.length <= 20 &&
    names.size === bands.length &&
    !names.has('none') &&
    bands.every((b, i) => b.name !== '' && Number.isFinite(b.min) && b.min > 0 && (i === 0 || b.min > bands[i - 1].min));
  if (!ok)
    fail(
      'comma-separated name:min pairs (lowercase names other than none, distinct; mins above 0, strictly ascending), e.g. low:0.01,medium:100,high:500,top:2000',
    );
  return bands;
});

/** An ISO 4217 currency code, or empty for "any". */
const currencyOrEmpty = makeValidator<string>((input) => {
  const value = input.trim();
  if (value !== '' && !/^[A-Z]{3}$/.test(value)) fail('an ISO 4217 currency code such as EUR, or empty');
  return value;
});

/** segment-evaluator's own variables (see VALIDATION_ENV_SPEC for why they live here). */
export const SEGMENT_EVALUATOR_ENV_SPEC = {
  SEGMENTS_EVENT_HISTORY_DAYS: int(
    1,
    3650,
  )({ default: 180, desc: 'How many days of events per profile the evaluator keeps for event conditions' }),
  SEGMENTS_TIMER_POLL_MS: int(10, 60_000)({ default: 1000, desc: 'How often the due-timer scheduler and backfills look for work' }),
  SEGMENTS_BACKFILL_PAGE_SIZE: int(1, 10_000)({ default: 500, desc: 'Profiles evaluated per backfill transaction' }),
  // Thresholds of the rule-based predictions (see the segment-evaluator README): fixed per deployment, not quantiles.
  SEGMENTS_RECENCY_DAYS: ascendingNumbers(
    4,
    1,
    3650,
    true,
    '7,30,90,180',
  )({ default: [7, 30, 90, 180], desc: 'Recency score 5/4/3/2 when active within these many days (else 1)' }),
  SEGMENTS_FREQUENCY_WINDOW_DAYS: int(
    1,
    3650,
  )({ default: 90, desc: 'Frequency score: the window in which distinct active days are counted' }),
  SEGMENTS_FREQUENCY_ACTIVE_DAYS: ascendingNumbers(
    4,
    1,
    3650,
    true,
    '1,3,6,12',
  )({ default: [1, 3, 6, 12], desc: 'Frequency score 2/3/4/5 from these many distinct active days in the window' }),
  SEGMENTS_MONETARY_THRESHOLDS: ascendingNumbers(
    4,
    0,
    1e12,
    false,
    '0.01,100,500,2000',
  )({ default: [0.01, 100, 500, 2000], desc: 'Monetary score 2/3/4/5 from these lifetime values (reporting currency)' }),
  SEGMENTS_LTV_BANDS: ltvBands({
    default: [
      { name: 'low', min: 0.01 },
      { name: 'medium', min: 100 },
      { name: 'high', min: 500 },
      { name: 'top', min: 2000 },
    ],
    desc: 'LTV bands as name:min pairs; below the first: none',
  }),
  SEGMENTS_LTV_CURRENCY: currencyOrEmpty({
    default: '',
    desc: 'When set, a lifetime value in another reporting currency gets no band or monetary score',
  }),
  SEGMENTS_CHURN_MEDIUM_RATIO: decimal(
    0.01,
    1000,
  )({ default: 2, desc: 'Churn risk is medium from this many usual intervals since the last activity' }),
  SEGMENTS_CHURN_HIGH_RATIO: decimal(
    0.01,
    1000,
  )({ default: 4, desc: 'Churn risk is high from this many usual intervals (above the medium ratio)' }),
  SEGMENTS_CHURN_MIN_INTERVALS: int(1, 1000)({ default: 2, desc: 'Gaps between active days needed before churn risk is known' }),
  SEGMENTS_MOMENTUM_RECENT_DAYS: int(1, 3650)({ default: 7, desc: 'Engagement momentum: the recent window, in days' }),
  SEGMENTS_MOMENTUM_PREVIOUS_DAYS: int(1, 3650)({ default: 28, desc: 'Engagement momentum: the window before it, in days' }),
  SEGMENTS_MOMENTUM_FACTOR: decimal(
    1.01,
    100,
  )({ default: 1.5, desc: 'Momentum is rising at this ratio of daily rates or more, declining at its inverse or less' }),
};
