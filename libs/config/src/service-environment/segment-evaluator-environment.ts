import { int } from '../env-validators';

/** segment-evaluator's own variables (see VALIDATION_ENV_SPEC for why they live here). */
export const SEGMENT_EVALUATOR_ENV_SPEC = {
  SEGMENTS_EVENT_HISTORY_DAYS: int(1, 3650)({ default: 180, desc: 'How many days of events per profile the evaluator keeps for event conditions' }),
  SEGMENTS_TIMER_POLL_MS: int(10, 60_000)({ default: 1000, desc: 'How often the due-timer scheduler and backfills look for work' }),
  SEGMENTS_BACKFILL_PAGE_SIZE: int(1, 10_000)({ default: 500, desc: 'Profiles evaluated per backfill transaction' }),
};
