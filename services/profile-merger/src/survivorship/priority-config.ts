/** Amperity's rule: a source that is not listed has priority 999. */
export const UNLISTED_SOURCE_PRIORITY = 999;

/**
 * Consent is a fact about the person's latest choice, not a data-quality judgement: every source's consent
 * observation gets the same priority so only the timestamp decides.
 */
export const CONSENT_PRIORITY = 1;

/** Source priorities and field-level overrides (source id -> field -> priority), as configured by the admin API. */
export interface PriorityConfig {
  sources: ReadonlyMap<string, number>;
  fields: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export const EMPTY_PRIORITY_CONFIG: PriorityConfig = { sources: new Map(), fields: new Map() };

/** Field priority overrides source priority (Amperity Merged Customers); an unlisted source is 999. */
export function effectivePriority(config: PriorityConfig, sourceId: string, field: string): number {
  const fieldPriority = config.fields.get(sourceId)?.get(field);
  if (fieldPriority !== undefined) return fieldPriority;
  return config.sources.get(sourceId) ?? UNLISTED_SOURCE_PRIORITY;
}
