import type { RawEventInput } from '@tessera/contracts';
import { randomUUID } from 'node:crypto';
import { JSON_TEXT_FIELDS, type JsonFieldRanges } from './json-field-locator';
import type { RawEventParts } from './raw-event-encoder';

/** Segment call types with their own endpoint. */
export const SEGMENT_CALL_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/** Keys with a field of their own in RawEvent; every other key (except writeKey) goes to `extra`. */
const KNOWN_KEYS = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'event',
  'name',
  'category',
  'groupId',
  'previousId',
  'timestamp',
  'sentAt',
  'originalTimestamp',
  'properties',
  'traits',
  'context',
  'integrations',
  'writeKey',
  'receivedAt',
]);

/**
 * The keys RawEvent carries as text. A number or boolean is passed on as its string (SDKs send numeric user ids);
 * an object or array is refused with a 400 naming it, since it has no text to pass on (and String() of an object
 * from JSON may throw: `{"toString": 1}`).
 */
const TEXT_KEYS = [
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'event',
  'name',
  'category',
  'groupId',
  'previousId',
  'timestamp',
  'sentAt',
  'originalTimestamp',
] as const;

export interface TextKeyProblem {
  /** JSON Pointer from the call, e.g. "/userId". */
  path: string;
  message: string;
}

/** The first key of a call that should be text and is an object or array, if any. */
export function textKeyProblem(item: Record<string, unknown>, where = ''): TextKeyProblem | undefined {
  for (const key of TEXT_KEYS) {
    const value = item[key];
    if (typeof value === 'object' && value !== null) {
      return { path: `${where}/${key}`, message: `"${key}" must be a string, got ${Array.isArray(value) ? 'an array' : 'an object'}` };
    }
  }
  return undefined;
}

/** The keys RawEvent carries as JSON text, which validation reads only as objects (null counts as absent). */
const OBJECT_KEYS = ['properties', 'traits', 'context', 'integrations'] as const;

/**
 * The first of `keys` holding something other than an object or null, if any: validation could only dead-letter
 * the call (`"properties": [1, 2]`), so it is a 400 here rather than a 200 and a dead letter.
 */
export function objectKeyProblem(
  item: Record<string, unknown>,
  where = '',
  keys: readonly string[] = OBJECT_KEYS,
): TextKeyProblem | undefined {
  for (const key of keys) {
    const value = item[key];
    if (value !== undefined && value !== null && !isPlainObject(value)) {
      const got = typeof value === 'string' ? `${describe(value)} (${JSON.stringify(value.slice(0, 60))})` : describe(value);
      return { path: `${where}/${key}`, message: `"${key}" must be a JSON object, got ${got}` };
    }
  }
  return undefined;
}

/** What a batch lends each of its items (the item's own keys win). */
export interface BatchDefaults {
  context?: unknown;
  integrations?: unknown;
  sentAt?: unknown;
}

/**
 * One Segment call -> RawEvent, stamped with the source, receivedAt and a messageId if it had none; values kept as
 * sent (identifiers and clocks as strings, objects as JSON text) so validation decides what is acceptable. For
 * RawEventEncoder: given where the call's JSON-text values are in the request body (`ranges`, from
 * json-field-locator), a value the call carries as sent is left null in `value` and taken from the body, byte for
 * byte, instead of serialised again. A value the gateway built (a batch's context merged into the item's) is
 * serialised. `ranges` is updated to say which fields come from the body.
 */
export function toRawEventParts(
  item: Record<string, unknown>,
  type: string,
  sourceId: string,
  receivedAt: number,
  defaults: BatchDefaults | undefined,
  ranges: JsonFieldRanges | null,
): { key: string; parts: RawEventParts } {
  const messageId = text(item.messageId) || randomUUID();
  const userId = text(item.userId);
  const anonymousId = text(item.anonymousId);
  const value: RawEventInput = {
    messageId,
    sourceId,
    receivedAt,
    type,
    userId,
    anonymousId,
    event: text(item.event),
    name: text(item.name),
    category: text(item.category),
    groupId: text(item.groupId),
    previousId: text(item.previousId),
    timestamp: text(item.timestamp),
    sentAt: text(item.sentAt ?? defaults?.sentAt),
    originalTimestamp: text(item.originalTimestamp),
    properties: jsonText(item.properties, item.properties, ranges, PROPERTIES),
    traits: jsonText(item.traits, item.traits, ranges, TRAITS),
    context: jsonText(merged(defaults?.context, item.context), item.context, ranges, CONTEXT),
    integrations: jsonText(merged(defaults?.integrations, item.integrations), item.integrations, ranges, INTEGRATIONS),
    extra: extraKeys(item),
  };
  return { key: userId || anonymousId || messageId, parts: { value, ranges } };
}

const PROPERTIES = JSON_TEXT_FIELDS.indexOf('properties');
const TRAITS = JSON_TEXT_FIELDS.indexOf('traits');
const CONTEXT = JSON_TEXT_FIELDS.indexOf('context');
const INTEGRATIONS = JSON_TEXT_FIELDS.indexOf('integrations');

/**
 * The JSON text of `value`: null when the body holds it as sent (`value` is the call's own, located in the body),
 * else serialised here; the field's range is cleared unless the encoder is to copy it.
 */
function jsonText(value: unknown, own: unknown, ranges: JsonFieldRanges | null, field: number): string | null {
  const fromBody = ranges !== null && ranges[2 * field] >= 0 && value === own && value !== undefined && value !== null;
  if (fromBody) return null;
  if (ranges !== null) ranges[2 * field] = -1;
  return json(value);
}

/** The type a batch item declares, as sent (an unknown or missing type reaches validation, which rejects it). */
export function batchItemType(item: Record<string, unknown>): string {
  return text(item.type) ?? '';
}

/**
 * As the contract says: null/undefined -> null, strings as they are, numbers and booleans through String(). Objects
 * were refused before (textKeyProblem); should one get here, it is JSON text rather than a String() that may throw.
 */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function merged(batchLevel: unknown, own: unknown): unknown {
  if (!isPlainObject(batchLevel)) return own;
  if (own === undefined || own === null) return batchLevel;
  if (!isPlainObject(own)) return own;
  // Spread defines own properties, so a "__proto__" key from JSON stays data and never reaches a prototype.
  return { ...batchLevel, ...own };
}

function extraKeys(item: Record<string, unknown>): string | null {
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(item)) {
    if (KNOWN_KEYS.has(key)) continue;
    extra ??= {};
    Object.defineProperty(extra, key, { value: item[key], enumerable: true, writable: true, configurable: true });
  }
  return extra ? JSON.stringify(extra) : null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value's kind, for a 400's message: "an array", "a string", "null"; "no body" when there is none. */
export function describe(value: unknown): string {
  if (value === undefined) return 'no body';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
