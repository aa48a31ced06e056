import type { ItemObservations } from './item-observations';

/** The input-validation report's counters per (source, day). */
export interface QualityCounts extends ItemObservations {
  eventsAccepted: number;
  recordsAccepted: number;
  rejected: number;
  duplicates: number;
  flagged: number;
  testItems: number;
}

/** Each counter's column in input_quality_daily and its field in the report: the one list the tally, the repository and the report read. */
export const QUALITY_COUNTERS = [
  ['events_accepted', 'eventsAccepted'],
  ['records_accepted', 'recordsAccepted'],
  ['rejected', 'rejected'],
  ['duplicates', 'duplicates'],
  ['flagged', 'flagged'],
  ['test_items', 'testItems'],
  ['emails_seen', 'emailsSeen'],
  ['emails_valid', 'emailsValid'],
  ['phones_seen', 'phonesSeen'],
  ['phones_valid', 'phonesValid'],
  ['transactions_seen', 'transactionsSeen'],
  ['transactions_well_formed', 'transactionsWellFormed'],
  ['blocked_identifiers_removed', 'blockedIdentifiersRemoved'],
  ['future_timestamps_replaced', 'futureTimestampsReplaced'],
  ['texts_repaired', 'textsRepaired'],
] as const satisfies readonly (readonly [string, keyof QualityCounts])[];

export function emptyQualityCounts(): QualityCounts {
  return Object.fromEntries(QUALITY_COUNTERS.map(([, field]) => [field, 0])) as unknown as QualityCounts;
}
