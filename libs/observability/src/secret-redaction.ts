import { maskUrlPassword } from '@tessera/config';

/**
 * Which values never reach the logs, decided by key name at any depth. pino's built-in `redact` needs one
 * path per key per depth, and with wildcards at four depths it cost ~0.8 ms per line (measured); a single
 * copy-on-write walk costs a few µs and also catches any casing, `x-api-key` or `api_key` alike.
 *
 * Keys are compared normalised (lowercase, no `-` or `_`): exact names below, plus any key ending in one of
 * SECRET_KEY_SUFFIXES (`adminToken`, `webhookSecret`, `db_password`).
 */
const SECRET_KEYS = [
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'passwd',
  'credentials',
  'connectionstring',
  'databaseurl',
];
const SECRET_KEY_SUFFIXES = ['password', 'token', 'secret', 'apikey', 'writekey', 'privatekey'];

export const REDACTED = '[Redacted]';
/** Deeper structures are logged as they are; log records that deep are a smell in themselves. */
export const MAX_REDACT_DEPTH = 8;

export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export type SecretKeyTest = (key: string) => boolean;

/** Builds the key test; `extraKeys` adds exact names a service knows to be secret. */
export function secretKeyTest(extraKeys: readonly string[] = []): SecretKeyTest {
  const exact = new Set([...SECRET_KEYS, ...extraKeys.map(normaliseKey)]);
  // Log records reuse a small vocabulary of keys; remembering verdicts keeps the walk cheap.
  const verdicts = new Map<string, boolean>();
  return (key) => {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      const normalised = normaliseKey(key);
      verdict = exact.has(normalised) || SECRET_KEY_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
      if (verdicts.size < 10_000) verdicts.set(key, verdict);
    }
    return verdict;
  };
}

export const isSecretKey: SecretKeyTest = secretKeyTest();

/**
 * Database URLs keep everything but the password, so a log still says which host and database was used;
 * every other secret becomes [Redacted].
 */
export function censorSecret(value: unknown): unknown {
  if (typeof value === 'string') {
    const masked = maskUrlPassword(value);
    if (masked !== value) return masked;
  }
  return REDACTED;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Returns `value` with secret-keyed entries censored. Objects and arrays are copied only along the paths
 * that change, so the common case (no secrets) allocates nothing. Class instances (Date, Buffer, Map) are
 * left alone; errors are handled after pino's error serializer has made them plain objects.
 */
export function redactSecrets<T>(value: T, isSecret: SecretKeyTest = isSecretKey, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > MAX_REDACT_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const redacted = redactSecrets(value[index], isSecret, depth + 1);
      if (redacted !== value[index]) (copy ??= value.slice())[index] = redacted;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const original = value[key];
    if (original === undefined) continue;
    const redacted = isSecret(key) ? censorSecret(original) : redactSecrets(original, isSecret, depth + 1);
    if (redacted !== original) (copy ??= { ...value })[key] = redacted;
  }
  return (copy ?? value) as T;
}
