/**
 * Retry-After (RFC 9110 §10.2.3) is either delay-seconds or an HTTP-date. Returns milliseconds from `nowMs`, or
 * undefined when the header is absent or unreadable (the dispatcher's own backoff applies then).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP-date always names its month; without this, Date.parse reads "-5" as a year
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
