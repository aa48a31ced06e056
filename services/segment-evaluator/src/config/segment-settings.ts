import { SEGMENT_EVALUATOR_ENV_SPEC, validateEnvironment, type EnvSource } from '@tessera/config';
import type { PredictionConfig } from '../computed';
import { predictionConfigFromEnv } from './prediction-settings';

export interface SegmentSettings {
  /** Events older than this are not kept; "ever" in an event condition means "within this history". */
  eventHistoryDays: number;
  /** How often the due-timer scheduler and backfill worker look for work when nothing woke them earlier. */
  timerPollMs: number;
  /** Profiles per backfill transaction. */
  backfillPageSize: number;
  /** The prediction thresholds (SEGMENTS_RECENCY_DAYS, SEGMENTS_LTV_BANDS, ...), checked at start-up. */
  predictions: PredictionConfig;
}

export const SEGMENT_SETTINGS = Symbol('SEGMENT_SETTINGS');

export function loadSegmentSettings(source: EnvSource = process.env): SegmentSettings {
  const env = validateEnvironment(SEGMENT_EVALUATOR_ENV_SPEC, source);
  return {
    eventHistoryDays: env.SEGMENTS_EVENT_HISTORY_DAYS,
    timerPollMs: env.SEGMENTS_TIMER_POLL_MS,
    backfillPageSize: env.SEGMENTS_BACKFILL_PAGE_SIZE,
    predictions: predictionConfigFromEnv(env),
  };
}
