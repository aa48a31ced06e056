/**
 * Thresholds of the built-in, rule-based predictions. Fixed per deployment rather than quantiles of the customer
 * base: a quantile moves when *other* profiles change, so a profile's score could not be kept exact in real time by
 * looking at that profile alone. Tune these to the business (e.g. from a warehouse quantile query) and they stay put.
 */
export type PredictionConfig = {
  /** SEGMENTS_EVENT_HISTORY_DAYS: what predictions may see, as a window (so trimming time never matters). */
  historyDays: number;
  /** Event names that count as activity; null: every event in the history. */
  activityEvents: string[] | null;
  /** Recency score: 5 if active in the last [0] days, 4 in the last [1], 3 in the last [2], 2 in the last [3], else 1. */
  recencyDays: [number, number, number, number];
  /** Frequency score: distinct active (UTC) days in the last `frequencyWindowDays`; score 2..5 from each threshold met. */
  frequencyWindowDays: number;
  frequencyActiveDays: [number, number, number, number];
  /** Monetary score: lifetime value (reporting currency) >= each threshold adds one to a base of 1. */
  monetaryThresholds: [number, number, number, number];
  /** LTV bands, ascending by `min` (inclusive); a lifetime value below the first is band "none". */
  ltvBands: Array<{ name: string; min: number }>;
  /** When set, a lifetime value reported in another currency gets no band (thresholds are in this currency). */
  ltvCurrency: string | null;
  /** Churn: risk is medium from `medium` times the usual interval since the last activity, high from `high`. */
  churnRatios: { medium: number; high: number };
  /** Fewer intervals between active days than this: the usual interval is unknown, so is the risk. */
  churnMinIntervals: number;
  /** Momentum: events per day in the last `recentDays` over the `previousDays` before them. */
  momentum: { recentDays: number; previousDays: number; rising: number; declining: number };
  /** Conversion: the furthest funnel step done in the last `windowDays` since the last conversion. */
  conversion: { windowDays: number; conversionEvents: string[]; steps: Array<{ event: string; likelihood: string }> };
};

export const DEFAULT_PREDICTION_CONFIG: PredictionConfig = {
  historyDays: 180,
  activityEvents: null,
  recencyDays: [7, 30, 90, 180],
  frequencyWindowDays: 90,
  frequencyActiveDays: [1, 3, 6, 12],
  monetaryThresholds: [0.01, 100, 500, 2000],
  ltvBands: [
    { name: 'low', min: 0.01 },
    { name: 'medium', min: 100 },
    { name: 'high', min: 500 },
    { name: 'top', min: 2000 },
  ],
  ltvCurrency: null,
  churnRatios: { medium: 2, high: 4 },
  churnMinIntervals: 2,
  momentum: { recentDays: 7, previousDays: 28, rising: 1.5, declining: 1 / 1.5 },
  conversion: {
    windowDays: 7,
    conversionEvents: ['Order Completed'],
    steps: [
      { event: 'Product Viewed', likelihood: 'low' },
      { event: 'Product Added', likelihood: 'medium' },
      { event: 'Checkout Started', likelihood: 'high' },
    ],
  },
};
