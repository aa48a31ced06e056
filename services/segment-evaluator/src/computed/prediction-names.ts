/** The predictions segments and the API can read, as `prediction.<name>` (see flattenPredictions). */
export const PREDICTION_NAMES = [
  'recency_score',
  'frequency_score',
  'monetary_score',
  'rfm',
  'ltv_band',
  'churn_risk',
  'engagement_momentum',
  'engagement_ratio',
  'conversion_likelihood',
] as const;
