import { occurrencesOf } from './activity';
import { churnRisk, type ChurnRisk } from './churn-risk';
import { conversionLikelihood, type ConversionLikelihood } from './conversion-likelihood';
import { engagementMomentum, type EngagementMomentum } from './engagement-momentum';
import type { EventHistory } from '../rules/event-history';
import { ltvBand, lifetimeValueOf, type LtvBand } from './ltv-band';
import type { TimedValue } from './next-change';
import { DEFAULT_PREDICTION_CONFIG, type PredictionConfig } from './prediction-config';
import { frequencyScore, monetaryScore, recencyScore, type FrequencyScore, type MonetaryScore, type RecencyScore } from './rfm-scores';

export type Predictions = {
  recency: TimedValue<RecencyScore>;
  frequency: TimedValue<FrequencyScore>;
  monetary: TimedValue<MonetaryScore>;
  ltvBand: TimedValue<LtvBand>;
  churnRisk: TimedValue<ChurnRisk>;
  engagementMomentum: TimedValue<EngagementMomentum>;
  conversionLikelihood: TimedValue<ConversionLikelihood>;
  /** The earliest of the above: when the evaluator should look at this profile's predictions again. */
  nextChangeAt: number | null;
};

/**
 * Every built-in prediction of one profile, from its event history and its `cdp.profiles.changed` values.
 * Rule-based (RFM and simple rhythms), not machine learning: each is a formula of the profile's own data.
 */
export function evaluatePredictions(
  history: EventHistory,
  values: Readonly<Record<string, unknown>>,
  now: number,
  config: PredictionConfig = DEFAULT_PREDICTION_CONFIG,
): Predictions {
  const activity = occurrencesOf(history, config.activityEvents);
  const band = ltvBand(values, config);
  const parts = {
    recency: recencyScore(activity, now, config),
    frequency: frequencyScore(activity, now, config),
    monetary: monetaryScore(lifetimeValueOf(values), band.value.reason !== 'currency_mismatch', config),
    ltvBand: band,
    churnRisk: churnRisk(activity, now, config),
    engagementMomentum: engagementMomentum(activity, now, config),
    conversionLikelihood: conversionLikelihood(history, now, config),
  };
  const times = Object.values(parts)
    .map((part) => part.nextChangeAt)
    .filter((t): t is number => t !== null);
  return { ...parts, nextChangeAt: times.length ? Math.min(...times) : null };
}

/** The event names predictions read: null means every event (activity counts them all). */
export function predictionEvents(config: PredictionConfig = DEFAULT_PREDICTION_CONFIG): string[] | null {
  if (config.activityEvents === null) return null;
  return [...new Set([...config.activityEvents, ...config.conversion.conversionEvents, ...config.conversion.steps.map((s) => s.event)])];
}
