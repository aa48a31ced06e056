import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Deliberately permissive (one @, a dot in the domain, no spaces): the report tells, it does not judge. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Normalized<T> {
  value: T;
  valid: boolean;
}

/** Emails are trimmed and lower-cased, so one person's email is one identifier downstream. */
export function normalizeEmail(value: unknown): Normalized<unknown> {
  if (typeof value !== 'string') return { value, valid: false };
  const email = value.trim().toLowerCase();
  return { value: email, valid: EMAIL_SHAPE.test(email) };
}

/**
 * Phones become E.164 (+4915112345678). Numbers without a +country prefix are read in `region`; a number that
 * libphonenumber cannot validate is kept as sent (trimmed) and counted as invalid.
 */
export function normalizePhone(value: unknown, region: string): Normalized<unknown> {
  if (typeof value !== 'string' && typeof value !== 'number') return { value, valid: false };
  const text = String(value).trim();
  const phone = parsePhoneNumberFromString(text, region ? (region as CountryCode) : undefined);
  if (phone?.isValid()) return { value: phone.number, valid: true };
  return { value: text, valid: false };
}
