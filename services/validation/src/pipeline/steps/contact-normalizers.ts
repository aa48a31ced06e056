import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Deliberately permissive (one @, a dot in the domain, no spaces): the report tells, it does not judge. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Normalized<T> {
  value: T;
  valid: boolean;
}

/** `Ada Lovelace <ada@example.com>` (RFC 5322's name-addr, as mail clients copy it) and `mailto:` links. */
const NAME_ADDR = /^[^<>]*<([^<>]+)>$/;

/**
 * Emails are trimmed and lower-cased; a display name around the address and a `mailto:` prefix are dropped, and
 * so is the trailing dot of a fully qualified domain (`a@example.com.` is the same mailbox as `a@example.com`), so
 * one person's email is one identifier downstream.
 */
function normalizeEmail(value: unknown): Normalized<unknown> {
  if (typeof value !== 'string') return { value, valid: false };
  let email = value.trim().toLowerCase();
  // plain addresses, nearly all of them, pay for three character checks, not three regular expressions
  if (email.endsWith('>')) email = (NAME_ADDR.exec(email)?.[1] ?? email).trim();
  if (email.startsWith('mailto:')) email = email.slice('mailto:'.length);
  if (email.endsWith('.') && email.includes('@')) email = email.replace(/\.+$/, '');
  return { value: email, valid: EMAIL_SHAPE.test(email) };
}

/** A contact field's normalized value and what it held, for the report: one value, or a list of them. */
export interface NormalizedField {
  value: unknown;
  seen: number;
  valid: number;
}

/**
 * A contact field as clients send it: one value, or a list (`["a@x.com", "b@x.com"]`, which Segment's spec does
 * not define but SDKs pass through). Each item of a list is normalized and counted; the identity resolver takes
 * every one as an identifier of the field's type, within the type's per-profile limit.
 */
function normalizeField(value: unknown, normalize: (item: unknown, region: string) => Normalized<unknown>, region = ''): NormalizedField {
  if (!Array.isArray(value)) {
    const one = normalize(value, region);
    return { value: one.value, seen: 1, valid: one.valid ? 1 : 0 };
  }
  const normalized = value.map((item) => normalize(item, region));
  return { value: normalized.map((item) => item.value), seen: normalized.length, valid: normalized.filter((item) => item.valid).length };
}

export function normalizeEmails(value: unknown): NormalizedField {
  return normalizeField(value, normalizeEmail);
}

export function normalizePhones(value: unknown, region: string): NormalizedField {
  return normalizeField(value, normalizePhone, region);
}

/**
 * Phones become E.164 (+4915112345678). Numbers without a +country prefix are read in `region`; a number that
 * libphonenumber cannot validate is kept as sent (trimmed) and counted as invalid.
 */
function normalizePhone(value: unknown, region: string): Normalized<unknown> {
  if (typeof value !== 'string' && typeof value !== 'number') return { value, valid: false };
  const text = String(value).trim();
  const memoKey = `${region}|${text}`;
  const memo = recentPhones.get(memoKey);
  if (memo) return memo;
  const phone = parsePhoneNumberFromString(text, region ? (region as CountryCode) : undefined);
  const result = phone?.isValid() ? { value: phone.number, valid: true } : { value: text, valid: false };
  if (recentPhones.size >= PHONE_MEMO_LIMIT) recentPhones.clear();
  recentPhones.set(memoKey, result);
  return result;
}

/**
 * SDKs repeat an identified user's traits (phone included) in the context of every event, and parsing plus
 * validating a number costs far more than the rest of the pipeline, so recent answers are remembered. Bounded
 * crudely (cleared when full): a miss only costs a parse.
 */
const PHONE_MEMO_LIMIT = 10_000;
const recentPhones = new Map<string, Normalized<string>>();
