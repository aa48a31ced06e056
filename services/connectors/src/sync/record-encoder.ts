import { hash } from 'node:crypto';
import type { SourceRecord } from '@tessera/connector-sdk';
import type { RawRecordInput } from '@tessera/contracts';
import type { StreamPlan } from '../connections/stream-plan';
import { attributesJson } from './attributes-json';

/** Where records of one run come from: what each RawRecord's origin and key carry. */
export interface RunOrigin {
  connectionId: string;
  runId: string;
  sourceId: string;
}

export interface EncodedRecord {
  key: string;
  value: RawRecordInput;
  /** The row's identity, as a full refresh compares it; null for a row known only by its content (see below). */
  rowKey: string | null;
  /** The (brand-namespaced) identifier value, kept with the row key so a full refresh can unset its attributes. */
  identifier: string | null;
  brand: string | null;
}

/**
 * A message id that only depends on what was read: the same row re-read after a crash, from the same checkpoint of
 * the same run, gets the same id (validation dedupes on it). `batch` is the run's checkpoint number, so one row
 * read twice within a run (it changed meanwhile) gets two ids.
 */
export function recordMessageId(origin: RunOrigin, stream: string, rowKey: string, batch: number): string {
  // a name-based (v5-style, SHA-1) UUID: one-shot hash() costs about half of a createHash() per record
  const hex = hash('sha1', `${origin.connectionId}\u0000${origin.runId}\u0000${stream}\u0000${rowKey}\u0000${batch}`, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function contentKey(data: Record<string, unknown>): string {
  return `sha256:${hash('sha256', JSON.stringify(data), 'hex').slice(0, 32)}`;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : null;
  return s === null || s.trim() === '' ? null : s;
}

/**
 * A connector record as cdp.records.raw v2: only the mapped fields, the brand (when the stream names a brand field)
 * as a `brand` attribute and as the prefix `<brand>:` of the record id and of a brand-scoped identifier.
 *
 * The record id is an identity (the resolver links every version of a record through it), so a positional row key
 * (a keyless file's `<file>:<row>`) is never one: next month's export may hold another person at that row. Such a
 * row is known by its identifier value, or, without one, by its content; the positional key stays in `origin` and in
 * the message id, which only need to name where the row was read.
 */
export function encodeRecord(
  plan: StreamPlan,
  origin: RunOrigin,
  stream: string,
  record: SourceRecord,
  batch: number,
  receivedAt: number,
): EncodedRecord {
  const { settings } = plan;
  const { data } = record;
  const brand = settings.brandField ? text(data[settings.brandField]) : null;
  // The identifier field is one of the plan's fields (stream-plan.ts): its value as an attribute, when the row has it.
  const unscoped = Object.hasOwn(data, settings.identifierField) ? text(data[settings.identifierField]) : null;
  const scoped = brand !== null && unscoped !== null && plan.brandScopedIdentifier ? `${brand}:${unscoped}` : null;
  const identifier = scoped ?? unscoped;
  const rowKey = record.positional ? unscoped : record.rowKey;
  const recordKey = rowKey ?? contentKey(data);
  const recordId = brand === null ? recordKey : `${brand}:${recordKey}`;
  const observedAt = settings.observedAtField ? text(data[settings.observedAtField]) : null;
  return {
    key: `${origin.sourceId}:${recordId}`,
    rowKey,
    identifier,
    brand,
    value: {
      messageId: recordMessageId(origin, stream, record.rowKey, batch),
      sourceId: origin.sourceId,
      receivedAt,
      objectType: stream,
      recordId,
      mapping: plan.parts.mapping,
      attributes: attributesJson(plan, data, brand, scoped),
      observedAt,
      renames: plan.parts.renames,
      casts: plan.parts.casts,
      origin: { connectionId: origin.connectionId, runId: origin.runId, stream, rowKey: record.rowKey },
    },
  };
}

/**
 * The record a full refresh emits for a row that disappeared from the source: the identifier (so the profile is
 * found) and every other field the mapping brings, as null. No casts: a cast turns null into "absent".
 */
export function encodeUnset(
  plan: StreamPlan,
  origin: RunOrigin,
  row: { stream: string; rowKey: string; identifier: string | null; brand: string | null },
  receivedAt: number,
): EncodedRecord {
  const { stream, rowKey, identifier, brand } = row;
  const attributes: Record<string, unknown> = {};
  for (const field of plan.fields) attributes[field] = field === plan.settings.identifierField ? identifier : null;
  if (brand !== null) attributes.brand = brand;
  const recordId = brand === null ? rowKey : `${brand}:${rowKey}`;
  return {
    key: `${origin.sourceId}:${recordId}`,
    rowKey,
    identifier,
    brand,
    value: {
      messageId: recordMessageId(origin, stream, rowKey, -1),
      sourceId: origin.sourceId,
      receivedAt,
      objectType: stream,
      recordId,
      mapping: plan.parts.mapping,
      attributes: JSON.stringify(attributes),
      observedAt: null,
      renames: plan.parts.renames,
      casts: {},
      origin: { connectionId: origin.connectionId, runId: origin.runId, stream, rowKey },
    },
  };
}
