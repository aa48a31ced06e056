import { ConfigValidationError, type CleanedEnv, type ConfigIssue, type SEGMENT_EVALUATOR_ENV_SPEC } from '@tessera/config';
import { DEFAULT_PREDICTION_CONFIG, type PredictionConfig } from '../computed';

type SegmentEnv = CleanedEnv<typeof SEGMENT_EVALUATOR_ENV_SPEC>;

/**
 * The prediction thresholds from the SEGMENTS_* variables (each already checked on its own by its validator),
 * checked against each other and against the kept history: a window longer than SEGMENTS_EVENT_HISTORY_DAYS would
 * silently read less, so it is refused at start-up instead. Activity and conversion events keep their defaults.
 */
export function predictionConfigFromEnv(env: SegmentEnv): PredictionConfig {
  const history = env.SEGMENTS_EVENT_HISTORY_DAYS;
  const issues: ConfigIssue[] = [];
  const atMostHistory = (variable: string, days: number) => {
    if (days > history)
      issues.push({
        variable,
        message: `${variable} reaches ${days} days, beyond SEGMENTS_EVENT_HISTORY_DAYS (${history}): it would silently read less history`,
      });
  };
  atMostHistory('SEGMENTS_RECENCY_DAYS', env.SEGMENTS_RECENCY_DAYS[3]);
  atMostHistory('SEGMENTS_FREQUENCY_WINDOW_DAYS', env.SEGMENTS_FREQUENCY_WINDOW_DAYS);
  atMostHistory('SEGMENTS_MOMENTUM_PREVIOUS_DAYS', env.SEGMENTS_MOMENTUM_RECENT_DAYS + env.SEGMENTS_MOMENTUM_PREVIOUS_DAYS);
  if (env.SEGMENTS_FREQUENCY_ACTIVE_DAYS[3] > env.SEGMENTS_FREQUENCY_WINDOW_DAYS) {
    issues.push({
      variable: 'SEGMENTS_FREQUENCY_ACTIVE_DAYS',
      message: `SEGMENTS_FREQUENCY_ACTIVE_DAYS asks for ${env.SEGMENTS_FREQUENCY_ACTIVE_DAYS[3]} active days within SEGMENTS_FREQUENCY_WINDOW_DAYS (${env.SEGMENTS_FREQUENCY_WINDOW_DAYS}): a score no one can reach`,
    });
  }
  if (env.SEGMENTS_CHURN_HIGH_RATIO <= env.SEGMENTS_CHURN_MEDIUM_RATIO) {
    issues.push({
      variable: 'SEGMENTS_CHURN_HIGH_RATIO',
      message: `SEGMENTS_CHURN_HIGH_RATIO (${env.SEGMENTS_CHURN_HIGH_RATIO}) must be above SEGMENTS_CHURN_MEDIUM_RATIO (${env.SEGMENTS_CHURN_MEDIUM_RATIO})`,
    });
  }
  if (issues.length > 0) throw new ConfigValidationError(issues);
  return {
    ...DEFAULT_PREDICTION_CONFIG,
    historyDays: history,
    recencyDays: tuple(env.SEGMENTS_RECENCY_DAYS),
    frequencyWindowDays: env.SEGMENTS_FREQUENCY_WINDOW_DAYS,
    frequencyActiveDays: tuple(env.SEGMENTS_FREQUENCY_ACTIVE_DAYS),
    monetaryThresholds: tuple(env.SEGMENTS_MONETARY_THRESHOLDS),
    ltvBands: env.SEGMENTS_LTV_BANDS,
    ltvCurrency: env.SEGMENTS_LTV_CURRENCY === '' ? null : env.SEGMENTS_LTV_CURRENCY,
    churnRatios: { medium: env.SEGMENTS_CHURN_MEDIUM_RATIO, high: env.SEGMENTS_CHURN_HIGH_RATIO },
    churnMinIntervals: env.SEGMENTS_CHURN_MIN_INTERVALS,
    // symmetric: the default 1.5 gives rising at x1.5 and declining at exactly 1/1.5
    momentum: {
      recentDays: env.SEGMENTS_MOMENTUM_RECENT_DAYS,
      previousDays: env.SEGMENTS_MOMENTUM_PREVIOUS_DAYS,
      rising: env.SEGMENTS_MOMENTUM_FACTOR,
      declining: 1 / env.SEGMENTS_MOMENTUM_FACTOR,
    },
  };
}

/** The validators guarantee four values. */
function tuple(values: readonly number[]): [number, number, number, number] {
  return [values[0], values[1], values[2], values[3]];
}
