import { maskUrlPassword } from '@tessera/config';

/**
 * Keys whose values never reach the logs. pino's redact needs explicit paths (compiled once, cheap per line),
 * so each key is expanded to every depth up to MAX_REDACT_DEPTH: `password`, `*.password`, `*.*.password`...
 * which covers shapes like `req.headers.authorization` and `source.settings.writeKey`.
 */
export const SECRET_KEYS: readonly string[] = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'adminToken',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
  'writeKey',
  'write_key',
  'connectionString',
  'databaseUrl',
  'DATABASE_URL',
  'TESSERA_ADMIN_TOKEN',
  'TESSERA_DEV_WRITE_KEY',
];

export const MAX_REDACT_DEPTH = 4;
export const REDACTED = '[Redacted]';

function pathSegment(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : `["${key}"]`;
}

export function buildRedactPaths(keys: readonly string[] = SECRET_KEYS, maxDepth = MAX_REDACT_DEPTH): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const segment = pathSegment(key);
    for (let depth = 0; depth < maxDepth; depth++) {
      const prefix = '*.'.repeat(depth);
      // Bracketed keys attach without a dot: `*.*["set-cookie"]`.
      paths.push(segment.startsWith('[') ? `${prefix.slice(0, -1)}${segment}` : `${prefix}${segment}`);
    }
  }
  return paths;
}

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
