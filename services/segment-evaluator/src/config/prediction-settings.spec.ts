import { ConfigValidationError } from '@tessera/config';
import { DEFAULT_PREDICTION_CONFIG } from '../computed';
import { decideComputedValues } from '../evaluation/computed-value-decider';
import type { ProfileRow } from '../evaluation/profile-store';
import { SegmentCatalog } from '../evaluation/segment-catalog';
import { DAY_MS, eventHistoryOf } from '../rules';
import { loadSegmentSettings } from './segment-settings';

const T0 = Date.UTC(2026, 5, 1);

describe('prediction thresholds as SEGMENTS_* settings', () => {
  it('default to the documented thresholds', () => {
    expect(loadSegmentSettings({}).predictions).toEqual(DEFAULT_PREDICTION_CONFIG);
  });

  it('read every threshold from the environment', () => {
    const { predictions } = loadSegmentSettings({
      SEGMENTS_EVENT_HISTORY_DAYS: '365',
      SEGMENTS_RECENCY_DAYS: '3,14,60,365',
      SEGMENTS_FREQUENCY_WINDOW_DAYS: '60',
      SEGMENTS_FREQUENCY_ACTIVE_DAYS: '2,4,8,16',
      SEGMENTS_MONETARY_THRESHOLDS: '1,50,250.5,1000',
      SEGMENTS_LTV_BANDS: 'bronze:1,silver:50,gold:1000',
      SEGMENTS_LTV_CURRENCY: 'EUR',
      SEGMENTS_CHURN_MEDIUM_RATIO: '1.5',
      SEGMENTS_CHURN_HIGH_RATIO: '3',
      SEGMENTS_CHURN_MIN_INTERVALS: '4',
      SEGMENTS_MOMENTUM_RECENT_DAYS: '14',
      SEGMENTS_MOMENTUM_PREVIOUS_DAYS: '56',
      SEGMENTS_MOMENTUM_FACTOR: '2',
    });
    expect(predictions).toEqual({
      ...DEFAULT_PREDICTION_CONFIG,
      historyDays: 365,
      recencyDays: [3, 14, 60, 365],
      frequencyWindowDays: 60,
      frequencyActiveDays: [2, 4, 8, 16],
      monetaryThresholds: [1, 50, 250.5, 1000],
      ltvBands: [
        { name: 'bronze', min: 1 },
        { name: 'silver', min: 50 },
        { name: 'gold', min: 1000 },
      ],
      ltvCurrency: 'EUR',
      churnRatios: { medium: 1.5, high: 3 },
      churnMinIntervals: 4,
      momentum: { recentDays: 14, previousDays: 56, rising: 2, declining: 0.5 },
    });
  });

  it('refuse a bad value at start-up, naming the variable and what is expected', () => {
    const bad = (env: Record<string, string>) => () => loadSegmentSettings(env);
    expect(bad({ SEGMENTS_RECENCY_DAYS: '30,7,90,180' })).toThrow(
      /SEGMENTS_RECENCY_DAYS must be 4 strictly ascending integers 1-3650, comma-separated, e.g. 7,30,90,180, got "30,7,90,180"/,
    );
    expect(bad({ SEGMENTS_MONETARY_THRESHOLDS: '1,2,3' })).toThrow(/SEGMENTS_MONETARY_THRESHOLDS must be 4 strictly ascending numbers/);
    expect(bad({ SEGMENTS_LTV_BANDS: 'low:100,high:10' })).toThrow(/SEGMENTS_LTV_BANDS must be comma-separated name:min pairs/);
    expect(bad({ SEGMENTS_LTV_CURRENCY: 'euro' })).toThrow(/SEGMENTS_LTV_CURRENCY must be an ISO 4217 currency code/);
    expect(bad({ SEGMENTS_MOMENTUM_FACTOR: '1' })).toThrow(/SEGMENTS_MOMENTUM_FACTOR must be a number 1.01-100/);
    expect(bad({ SEGMENTS_CHURN_MEDIUM_RATIO: '4', SEGMENTS_CHURN_HIGH_RATIO: '4' })).toThrow(
      /SEGMENTS_CHURN_HIGH_RATIO \(4\) must be above SEGMENTS_CHURN_MEDIUM_RATIO \(4\)/,
    );
    expect(bad({ SEGMENTS_FREQUENCY_WINDOW_DAYS: '200' })).toThrow(ConfigValidationError);
    expect(bad({ SEGMENTS_EVENT_HISTORY_DAYS: '30' })).toThrow(
      /SEGMENTS_RECENCY_DAYS reaches 180 days, beyond SEGMENTS_EVENT_HISTORY_DAYS \(30\).*SEGMENTS_FREQUENCY_WINDOW_DAYS reaches 90 days.*SEGMENTS_MOMENTUM_PREVIOUS_DAYS reaches 35 days/,
    );
    expect(bad({ SEGMENTS_FREQUENCY_WINDOW_DAYS: '10' })).toThrow(/asks for 12 active days within SEGMENTS_FREQUENCY_WINDOW_DAYS \(10\)/);
  });

  it('are what the evaluator computes predictions with', () => {
    const settings = loadSegmentSettings({ SEGMENTS_LTV_BANDS: 'small:1,big:40', SEGMENTS_RECENCY_DAYS: '1,2,3,4' });
    const catalog = new SegmentCatalog(new Map(), settings.eventHistoryDays, new Map(), settings.predictions);
    const profile: ProfileRow = {
      profileId: 'p',
      version: 1,
      status: 'active',
      mergedInto: null,
      values: { revenue_total: 50 },
      valuesJson: '{"revenue_total":50}',
      identifiers: [],
      isTest: false,
      dueAt: null,
    };
    const decision = decideComputedValues(
      catalog,
      profile,
      eventHistoryOf([{ name: 'Login', at: T0, properties: {} }]),
      undefined,
      'all',
      T0 + 2.5 * DAY_MS,
    );
    expect(decision.values).toMatchObject({ 'prediction.ltv_band': 'big', 'prediction.recency_score': 3 });
  });
});
