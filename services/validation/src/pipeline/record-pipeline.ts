import type { RawRecord, ValidRecordInput } from '@tessera/contracts';
import { dlq, fromStep, ok, type StepResult } from '@tessera/kafka';
import { IDENTIFIER_TAGS, SEMANTIC_TAGS } from '@tessera/record-mapping';
import type { RecordDraft, StepEnvironment } from './pipeline-types';
import { aboutRecord } from './steps/about';
import { boundedObservedAt } from './steps/clock-skew.step';
import { isBlockedIdentifier } from './steps/blocked-identifiers';
import { phoneRegion } from './steps/contact-normalization.step';
import { normalizeEmails, normalizePhones } from './steps/contact-normalizers';
import { parseJsonObject } from './steps/parse-json-fields.step';
import { ownValue, setOwn } from './steps/own-properties';
import { repairRawRecord } from './steps/raw-text-repair';
import { applyRenamesAndCasts } from './steps/renames-and-casts.step';
import { matchesTestRule } from './steps/test-traffic.step';
import { parseIsoTimestamp } from '@tessera/contracts';

const FIXED_TAGS = new Set<string>([...SEMANTIC_TAGS, ...IDENTIFIER_TAGS]);
/** `email` and `phone` are descriptive and identifying. */
const IDENTIFYING = new Set<string>(['email', 'phone', ...IDENTIFIER_TAGS]);

/**
 * The tags of @tessera/record-mapping. `id:<type>` is read a little wider than the gateway writes it (dots and
 * dashes, any first character), as validation always has: records published before the shared pattern stay valid.
 */
export function isKnownTag(tag: string): boolean {
  return FIXED_TAGS.has(tag) || /^id:[a-z0-9_.-]+$/.test(tag);
}

function isIdentifierTag(tag: string): boolean {
  return IDENTIFYING.has(tag) || tag.startsWith('id:');
}

/**
 * Records from business systems: attributes must be a JSON object, the record needs an id, observedAt must parse,
 * the record's casts and renames apply (a value that cannot be cast rejects it), and at least one attribute mapped
 * to an identifier tag must hold a usable value, unless every attribute is null (a retraction). One holding a
 * blocked placeholder is left out of the mapping and counted, like a blocked id of an event. Mapped emails and
 * phones are normalized like events' ones; tags validation does not know are left out of the valid mapping.
 * Its checks are named as the event pipeline's steps are (and `identifiers` for the last), so a rejection says
 * which one made it.
 */
export function runRecordPipeline(input: RawRecord, env: StepEnvironment): StepResult<ValidRecordInput> {
  const repairedRaw = repairRawRecord(input);
  const raw = repairedRaw.raw;
  const about = aboutRecord(raw);
  if (repairedRaw.nulIdentifier) return fromStep('text-repair', dlq('invalid_record', 'recordId contains a NUL byte', 'recordId', about));
  env.observations.textsRepaired += repairedRaw.repaired.length;
  if (raw.recordId.trim() === '')
    return fromStep('structural-checks', dlq('invalid_record', 'recordId must not be empty', 'recordId', about));
  const parsed = parseJsonObject(raw.attributes, 'attributes');
  if ('error' in parsed) return fromStep('parse-json-fields', dlq('invalid_json', `attributes ${parsed.error}`, 'attributes', about));
  if (parsed.value === null)
    return fromStep('parse-json-fields', dlq('invalid_record', 'attributes must be a JSON object', 'attributes', about));
  env.observations.textsRepaired += parsed.repaired;
  let observedAt = raw.receivedAt;
  if (raw.observedAt !== null && raw.observedAt.trim() !== '') {
    const value = parseIsoTimestamp(raw.observedAt);
    if (value === undefined)
      return fromStep(
        'clock-skew',
        dlq('invalid_timestamp', `observedAt "${raw.observedAt.slice(0, 60)}" is not a valid ISO-8601 date-time`, 'observedAt', about),
      );
    const bounded = boundedObservedAt(value, raw.receivedAt, env.maxFutureSkewMs);
    observedAt = bounded.value;
    if (bounded.replaced) env.observations.futureTimestampsReplaced += 1;
  }
  const mapped = applyRenamesAndCasts(parsed.value, raw, about);
  if (mapped.kind !== 'ok') return fromStep('renames-and-casts', mapped);
  const draft: RecordDraft = { raw, attributes: mapped.value, mapping: {}, observedAt, isTest: false };

  let identifiers = 0;
  for (const [attribute, tag] of Object.entries(raw.mapping)) {
    if (!isKnownTag(tag)) continue;
    const value = ownValue(draft.attributes, attribute);
    if (isIdentifierTag(tag) && value !== undefined && value !== null && value !== '' && isBlockedIdentifier(String(value))) {
      // A placeholder ("null", "0"...) identifies nobody: the attribute stops being an identifier, the record stays.
      env.observations.blockedIdentifiersRemoved += 1;
      continue;
    }
    setOwn(draft.mapping, attribute, tag);
    if (value === undefined || value === null || value === '') continue;
    if (tag === 'email') {
      const emails = normalizeEmails(value);
      setOwn(draft.attributes, attribute, emails.value);
      env.observations.emailsSeen += emails.seen;
      env.observations.emailsValid += emails.valid;
    } else if (tag === 'phone') {
      const phones = normalizePhones(value, phoneRegion(env));
      setOwn(draft.attributes, attribute, phones.value);
      env.observations.phonesSeen += phones.seen;
      env.observations.phonesValid += phones.valid;
    }
    if (isIdentifierTag(tag)) identifiers += 1;
  }
  if (identifiers === 0 && !isRetraction(draft.attributes)) {
    const detail =
      env.observations.blockedIdentifiersRemoved > 0
        ? 'no attribute mapped to an identifier tag holds a usable value (blocked placeholder values were removed)'
        : 'no attribute mapped to an identifier tag holds a value';
    return fromStep('identifiers', dlq('missing_identity', detail, 'mapping', about));
  }
  draft.isTest =
    draft.attributes.test === true ||
    (env.settings?.testRules ?? []).some((rule) =>
      matchesTestRule({ recordId: raw.recordId, objectType: raw.objectType, attributes: draft.attributes }, rule),
    );

  return ok({
    messageId: raw.messageId,
    sourceId: raw.sourceId,
    objectType: raw.objectType,
    recordId: raw.recordId,
    mapping: draft.mapping,
    attributes: JSON.stringify(draft.attributes),
    observedAt: draft.observedAt,
    receivedAt: raw.receivedAt,
    isTest: draft.isTest,
    origin: raw.origin,
  });
}

/**
 * Every attribute null: the source says the row is gone (a connector's full refresh) and sets nothing. It needs no
 * identifier value: the identity resolver finds the profile by the record's own identity (sourceId, objectType,
 * recordId), which the row's earlier versions linked.
 */
function isRetraction(attributes: Record<string, unknown>): boolean {
  const values = Object.values(attributes);
  return values.length > 0 && values.every((value) => value === null);
}

export function validRecordKey(record: Pick<ValidRecordInput, 'sourceId' | 'recordId'>): string {
  return `${record.sourceId}:${record.recordId}`;
}
