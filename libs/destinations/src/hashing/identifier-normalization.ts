import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalization before hashing, per platform. Each rule cites its source in libs/destinations/README.md
 * ("Hashing rules"); the specs use the platforms' published examples as test vectors.
 */

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Meta: trim and lower-case. Nothing else: Meta does not fold gmail dots or +tags. */
export function normalizeEmailForMeta(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return looksLikeEmail(email) ? email : undefined;
}

const GOOGLE_MAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Google (Data Manager "Format user data", which the Customer Match guides point to): remove all whitespace,
 * lower-case; for gmail.com and googlemail.com only, drop every dot in the local part and a +tag with what follows.
 */
export function normalizeEmailForGoogle(raw: string): string | undefined {
  const email = raw.replace(/\s+/g, '').toLowerCase();
  if (!looksLikeEmail(email)) return undefined;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!GOOGLE_MAIL_DOMAINS.has(domain)) return email;
  const local = email.slice(0, at).split('+')[0].replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

function looksLikeEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
}

/**
 * E.164 (`+` country code, subscriber number) via libphonenumber-js, Google's own metadata: national prefixes such as
 * the UK's leading 0 disappear, and a number written without a country code takes `defaultCountry`.
 * Returns undefined for a number that cannot be a phone number in that country.
 */
export function toE164(raw: string, defaultCountry?: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return undefined;
  return parsed.number;
}

/** Meta: digits only, with the country code, no `+` and no leading zeros: E.164 without its plus sign. */
export function normalizePhoneForMeta(raw: string, defaultCountry?: string): string | undefined {
  return toE164(raw, defaultCountry)?.slice(1);
}

/** Google: E.164 with the `+`. */
export function normalizePhoneForGoogle(raw: string, defaultCountry?: string): string | undefined {
  return toE164(raw, defaultCountry);
}

/** The first value of an identifier type that normalizes; the profile's best identifier comes first. */
export function firstNormalized(values: readonly string[] | undefined, normalize: (raw: string) => string | undefined): string | undefined {
  for (const value of values ?? []) {
    const normalized = normalize(value);
    if (normalized !== undefined) return normalized;
  }
  return undefined;
}

export interface Normalizers {
  email: (raw: string) => string | undefined;
  phone: (raw: string) => string | undefined;
}

/** The person's first usable email and phone under a platform's rules; both undefined when nothing can match. */
export function matchKeys(identifiers: Record<string, string[]>, normalize: Normalizers): { email?: string; phone?: string } {
  return { email: firstNormalized(identifiers.email, normalize.email), phone: firstNormalized(identifiers.phone, normalize.phone) };
}
