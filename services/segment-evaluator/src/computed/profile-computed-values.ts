import type { ComputedTraitDefinition } from './computed-trait-definition';
import { evaluateComputedTrait } from './computed-trait-evaluator';
import type { EventHistory } from '../rules/event-history';
import { sameValue } from './next-change';
import { DEFAULT_PREDICTION_CONFIG, type PredictionConfig } from './prediction-config';
import { evaluatePredictions, type Predictions } from './predictions';
import type { ComputedValue } from './sliding-aggregate';

/**
 * One profile's computed values as a flat map, the form segment conditions and the API read:
 * `computed.<key>` per definition and `prediction.<name>` per prediction, with the earliest instant any of them
 * changes with no new input (the profile's due time).
 */
export type ProfileComputedValues = { values: Record<string, ComputedValue>; nextChangeAt: number | null };

export function evaluateProfileComputedValues(
  definitions: Iterable<ComputedTraitDefinition>,
  history: EventHistory,
  profileValues: Readonly<Record<string, unknown>>,
  now: number,
  config: PredictionConfig = DEFAULT_PREDICTION_CONFIG,
): ProfileComputedValues {
  const values: Record<string, ComputedValue> = {};
  let nextChangeAt: number | null = null;
  const due = (t: number | null) => {
    if (t !== null && (nextChangeAt === null || t < nextChangeAt)) nextChangeAt = t;
  };
  for (const definition of definitions) {
    const { value, nextChangeAt: t } = evaluateComputedTrait(definition, history, now, config.historyDays);
    values[`computed.${definition.key}`] = value;
    due(t);
  }
  const predictions = evaluatePredictions(history, profileValues, now, config);
  Object.assign(values, flattenPredictions(predictions));
  due(predictions.nextChangeAt);
  return { values, nextChangeAt };
}

/**
 * The predictions as segmentable values. Only what changes at `nextChangeAt` is here: churn's ratio grows every
 * millisecond, so a stored copy would be stale at once and every comparison would see a change; it stays in the
 * full `Predictions` for the API.
 */
export function flattenPredictions(p: Predictions): Record<string, ComputedValue> {
  const [r, f, m] = [p.recency.value.score, p.frequency.value.score, p.monetary.value.score];
  return {
    'prediction.recency_score': r,
    'prediction.frequency_score': f,
    'prediction.monetary_score': m,
    'prediction.rfm': m === null ? null : `${r}${f}${m}`,
    'prediction.ltv_band': p.ltvBand.value.band,
    'prediction.churn_risk': p.churnRisk.value.risk,
    'prediction.engagement_momentum': p.engagementMomentum.value.label,
    'prediction.engagement_ratio': p.engagementMomentum.value.ratio,
    'prediction.conversion_likelihood': p.conversionLikelihood.value.likelihood,
  };
}

/** Keys whose value differs between two flat maps (added, removed or changed), sorted: what to announce. */
export function changedComputedKeys(
  before: Readonly<Record<string, ComputedValue>>,
  after: Readonly<Record<string, ComputedValue>>,
): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !(key in before && key in after && sameValue(before[key], after[key]))).sort();
}
