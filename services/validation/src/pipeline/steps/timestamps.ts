/**
 * ISO-8601 date-times as SDKs send them: date, optional time, optional fraction (any precision, kept to ms) and
 * optional offset. A value without an offset is read as UTC, never as the server's local time.
 */
const ISO_8601 = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** UTC epoch milliseconds, or undefined when the text is not an ISO-8601 date-time. */
export function parseIsoTimestamp(text: string): number | undefined {
  const match = ISO_8601.exec(text.trim());
  if (!match) return undefined;
  const [, date, time = '00:00:00', fraction = '', offset = 'Z'] = match;
  const millis = (fraction + '000').slice(0, 3);
  const zone = offset.toUpperCase() === 'Z' ? 'Z' : offset.length === 3 ? `${offset}:00` : offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
  const seconds = time.length === 5 ? `${time}:00` : time;
  const value = Date.parse(`${date}T${seconds}.${millis}${zone}`);
  return Number.isNaN(value) ? undefined : value;
}
