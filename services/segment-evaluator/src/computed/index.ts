// The pure computed-traits and predictions core: no I/O, no Nest. The service wiring imports from here.
export * from './computed-trait-definition';
export * from './computed-trait-definition-parser';
export * from './computed-trait-evaluator';
export * from './computed-trait-index';
export type { EventHistory, HistoryEvent as EventOccurrence } from '../rules/event-history';
export type { TimedValue } from './next-change';
export * from './prediction-config';
export * from './predictions';
export * from './profile-computed-values';
export type { ChurnRisk } from './churn-risk';
export type { ConversionLikelihood } from './conversion-likelihood';
export type { EngagementMomentum } from './engagement-momentum';
export type { LtvBand } from './ltv-band';
export type { FrequencyScore, MonetaryScore, RecencyScore } from './rfm-scores';
export * from './prediction-names';
