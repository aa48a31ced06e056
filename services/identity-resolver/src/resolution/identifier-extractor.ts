import { createHash } from 'node:crypto';
import type { ValidEvent, ValidRecord } from '@tessera/contracts';
import { IdentifierTypes, identifierKey, type Identifier } from './identifier';

type Json = Record<string, unknown>;

/**
 * Identifiers of a valid event: userId, anonymousId, alias previousId (as anonymous_id; the resolver turns it
 * into a rename when it is a known user_id, see user-rename.ts), traits and context.traits
 * email/phone/email_sha256, context.device.id and advertisingId, and Segment's context.externalIds
 * ([{ id, type }] -> external:<type>). An email also yields its email_sha256, so sources that only know the
 * hash link to the same person. Values are trimmed; emails and hashes lower-cased. An email or phone trait
 * holding a list yields each item of it.
 *
 * A group call's `traits` describe the account (Segment's group spec: the company's billing email, plan...),
 * not the person, so they never yield person identifiers; its `context.traits` are still the person's.
 */
export function extractEventIdentifiers(event: ValidEvent): Identifier[] {
  const found = new IdentifierSet();
  found.add(IdentifierTypes.UserId, event.userId);
  found.add(IdentifierTypes.AnonymousId, event.anonymousId);
  if (event.type === 'alias') found.add(IdentifierTypes.AnonymousId, event.previousId);
  const context = parseObject(event.context);
  const personTraits = event.type === 'group' ? [asObject(context.traits)] : [parseObject(event.traits), asObject(context.traits)];
  for (const traits of personTraits) {
    found.addEmail(traits.email);
    found.addEach(IdentifierTypes.Phone, traits.phone);
    found.add(IdentifierTypes.EmailSha256, lowerString(traits.email_sha256));
  }
  const device = asObject(context.device);
  found.add(IdentifierTypes.DeviceId, device.id);
  found.add(IdentifierTypes.AdvertisingId, device.advertisingId);
  if (Array.isArray(context.externalIds)) {
    for (const external of context.externalIds) {
      const entry = asObject(external);
      if (typeof entry.type === 'string' && entry.type.trim()) found.add(`external:${entry.type.trim()}`, entry.id);
    }
  }
  return found.list();
}

/** Semantic tags that name an identifier type directly; `id:<type>` names any other type. */
const IDENTIFIER_TAGS: Record<string, string> = {
  user_id: IdentifierTypes.UserId,
  anonymous_id: IdentifierTypes.AnonymousId,
  email: IdentifierTypes.Email,
  phone: IdentifierTypes.Phone,
  crm_id: IdentifierTypes.CrmId,
  email_sha256: IdentifierTypes.EmailSha256,
  device_id: IdentifierTypes.DeviceId,
  advertising_id: IdentifierTypes.AdvertisingId,
};
const KNOWN_TYPES = new Set<string>(Object.values(IdentifierTypes));

/**
 * Identifiers of a valid record, through its semantic-tag mapping (attribute -> tag), plus the record's own
 * identity (record_id = sourceId:objectType:recordId) so that a later version of the same record, whose email
 * changed, still lands on the same profile.
 */
export function extractRecordIdentifiers(record: ValidRecord): Identifier[] {
  const found = new IdentifierSet();
  const attributes = parseObject(record.attributes);
  for (const [attribute, tag] of Object.entries(record.mapping)) {
    const type = identifierTypeOfTag(tag);
    if (!type) continue;
    if (type === IdentifierTypes.Email) found.addEmail(attributes[attribute]);
    else if (type === IdentifierTypes.Phone) found.addEach(type, attributes[attribute]);
    else found.add(type, type === IdentifierTypes.EmailSha256 ? lowerString(attributes[attribute]) : attributes[attribute]);
  }
  found.add(IdentifierTypes.RecordId, `${record.sourceId}:${record.objectType ?? ''}:${record.recordId}`);
  return found.list();
}

function identifierTypeOfTag(tag: string): string | undefined {
  const direct = Object.hasOwn(IDENTIFIER_TAGS, tag) ? IDENTIFIER_TAGS[tag] : undefined;
  if (direct) return direct;
  const custom = /^id:(.+)$/.exec(tag);
  if (!custom) return undefined;
  const type = custom[1].trim();
  if (!type) return undefined;
  return KNOWN_TYPES.has(type) ? type : `external:${type}`;
}

/** The email_sha256 identifier an email (trimmed, lower-cased) yields, if it looks like an address. */
export function emailHashOf(email: string): Identifier | undefined {
  if (!email.includes('@')) return undefined;
  return { type: IdentifierTypes.EmailSha256, value: createHash('sha256').update(email, 'utf8').digest('hex') };
}

/** Collects distinct, non-empty identifiers in first-seen order. */
class IdentifierSet {
  private readonly byKey = new Map<string, Identifier>();

  add(type: string, raw: unknown): void {
    const value = scalarText(raw);
    if (value === undefined) return;
    const identifier = { type, value };
    const key = identifierKey(identifier);
    if (!this.byKey.has(key)) this.byKey.set(key, identifier);
  }

  /** One value, or each value of a list (validation normalized every item of an email or phone list). */
  addEach(type: string, raw: unknown): void {
    for (const item of Array.isArray(raw) ? raw : [raw]) this.add(type, item);
  }

  addEmail(raw: unknown): void {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const email = lowerString(item);
      if (email === undefined) continue;
      this.add(IdentifierTypes.Email, email);
      const hash = emailHashOf(email);
      if (hash) this.add(hash.type, hash.value);
    }
  }

  list(): Identifier[] {
    return [...this.byKey.values()];
  }
}

function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  return value === '' ? undefined : value;
}

function lowerString(raw: unknown): string | undefined {
  return scalarText(raw)?.toLowerCase();
}

function parseObject(text: string | null): Json {
  if (!text) return {};
  try {
    return asObject(JSON.parse(text));
  } catch {
    return {}; // validation passed it as JSON; a broken one simply carries no identifiers
  }
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}
