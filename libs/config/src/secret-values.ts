/**
 * Keeps secrets out of error messages: validation errors echo the offending value so operators can see what
 * went wrong, but never a token or a database password.
 */
const SECRET_NAME_PATTERN = /(TOKEN|PASSWORD|PASSWD|SECRET|WRITE_?KEY|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

export function isSecretVariableName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

/** Replaces the password of a URL such as postgres://user:pw@host/db with ***; leaves other strings unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]*)@/i, (_match, head: string) => `${head}***@`);
}

/** How a raw environment value may be shown in a message. */
export function describeValueSafely(name: string, raw: string): string {
  if (isSecretVariableName(name)) return `a ${raw.length}-character value`;
  return JSON.stringify(maskUrlPassword(raw));
}
