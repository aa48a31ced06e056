/**
 * Identifier values that SDKs and forms send when they have no real id (design brief, identity rules). They
 * would glue unrelated people into one profile, so validation refuses them at the door.
 */
const BLOCKED_VALUES = new Set(['anonymous', 'null', 'undefined', '-1', 'guest', '[object object]', 'nan']);
/** Zeros and dashes only: "0", "000", "00000000-0000-0000-0000-000000000000", "-". */
const ZEROS_AND_DASHES = /^[0-]*$/;

export function isBlockedIdentifier(value: string): boolean {
  const normalized = value.trim().toLowerCase();
  return BLOCKED_VALUES.has(normalized) || ZEROS_AND_DASHES.test(normalized);
}

/** Blank strings count as absent (an SDK that sends "" means "no id"), so they are never "blocked". */
export function presentIdentifier(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.trim() === '' ? null : value;
}
