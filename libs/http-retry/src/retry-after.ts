/**
 * Retry-After (RFC 9110 §10.2.3) is either delay-seconds or an HTTP-date. Returns milliseconds from `nowMs` (never
 * negative), or undefined when the header is absent or unreadable (the caller's own backoff applies then).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an HTTP-date always names its month; without this, Date.parse reads "-5" or "1.5" as dates
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
