/**
 * The SQL twins of compareSetRank / compareOnceRank (survivorship/provenance.ts), as ON CONFLICT conditions:
 * true when the incoming row (EXCLUDED) beats the stored one (alias `t`). `set` and the per-source record registers
 * (`source:<id>`) rank like $set, `once` like $set_once. Trusted constant text.
 */
export const TRAIT_BEATS_STORED = `CASE WHEN t.mode = 'once'
  THEN (EXCLUDED.occurred_at_ms, EXCLUDED.priority, EXCLUDED.message_id) < (t.occurred_at_ms, t.priority, t.message_id)
  ELSE (EXCLUDED.priority, t.occurred_at_ms, t.message_id) < (t.priority, EXCLUDED.occurred_at_ms, EXCLUDED.message_id) END`;

export const EMAIL_OBSERVATION_BEATS_STORED =
  '(EXCLUDED.priority, t.occurred_at_ms, t.message_id) < (t.priority, EXCLUDED.occurred_at_ms, EXCLUDED.message_id)';

/** The SQL twin of laterFact (survivorship/order-book.ts): the incoming order fact is later than the stored one (`o`). */
export const ORDER_FACT_IS_LATER =
  '(EXCLUDED.occurred_at_ms, EXCLUDED.message_id, EXCLUDED.source_id) > (o.occurred_at_ms, o.message_id, o.source_id)';

export const TRAIT_COLUMNS = ['value', 'tombstone', 'source_id', 'priority', 'occurred_at_ms', 'message_id', 'origin'] as const;
