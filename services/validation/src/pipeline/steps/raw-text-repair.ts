import type { RawEvent, RawRecord } from '@tessera/contracts';
import { setOwn } from './own-properties';
import { hasNul, repairText } from './text-repair';

/** Fields that become identifiers downstream: a NUL in one is refused (stripping it could make it someone else's id). */
export const EVENT_IDENTIFIER_FIELDS = ['userId', 'anonymousId', 'previousId', 'groupId'] as const;
const EVENT_TEXT_FIELDS = ['messageId', 'type', 'event', 'name', 'category', 'timestamp', 'sentAt', 'originalTimestamp'] as const;
const RECORD_TEXT_FIELDS = ['messageId', 'objectType', 'observedAt'] as const;

export interface RepairedRaw<T> {
  /** A copy with its plain text fields repaired (the JSON-text fields are repaired after parsing). */
  raw: T;
  /** Fields whose text changed. */
  repaired: string[];
  /** The first identifier field holding a NUL byte, if any. */
  nulIdentifier?: string;
}

function repairFields<T extends object>(raw: T, fields: readonly (keyof T & string)[]): RepairedRaw<T> {
  const copy = { ...raw };
  const repaired: string[] = [];
  for (const field of fields) {
    const value = raw[field];
    if (typeof value !== 'string') continue;
    const fixed = repairText(value);
    if (fixed === value) continue;
    (copy as Record<string, unknown>)[field] = fixed;
    repaired.push(field);
  }
  return { raw: copy, repaired };
}

export function repairRawEvent(raw: RawEvent): RepairedRaw<RawEvent> {
  const result = repairFields(raw, EVENT_TEXT_FIELDS);
  const nulIdentifier = EVENT_IDENTIFIER_FIELDS.find((field) => hasNul(raw[field] ?? ''));
  return nulIdentifier ? { ...result, nulIdentifier } : result;
}

/** A name -> name map (mapping, renames, casts) with both sides repaired. */
function repairMap(map: Record<string, string>, field: string, repaired: string[]): Record<string, string> {
  const fixed: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    const [fixedKey, fixedValue] = [repairText(key), repairText(value)];
    if (fixedKey !== key || fixedValue !== value) repaired.push(field);
    setOwn(fixed, fixedKey, fixedValue);
  }
  return fixed;
}

export function repairRawRecord(raw: RawRecord): RepairedRaw<RawRecord> {
  const result = repairFields(raw, RECORD_TEXT_FIELDS);
  result.raw.mapping = repairMap(raw.mapping, 'mapping', result.repaired);
  result.raw.renames = repairMap(raw.renames, 'renames', result.repaired);
  result.raw.casts = repairMap(raw.casts, 'casts', result.repaired);
  if (raw.origin) {
    const origin = repairFields(raw.origin, ['connectionId', 'runId', 'stream', 'rowKey']);
    result.raw.origin = origin.raw;
    if (origin.repaired.length > 0) result.repaired.push('origin');
  }
  return hasNul(raw.recordId) ? { ...result, nulIdentifier: 'recordId' } : result;
}
