import type { CastFormat, DateFormat, FieldCast, NumberFormat } from '@tessera/record-mapping';
import { parseIsoTimestamp } from '@tessera/contracts';

/** A cast's outcome: the converted value, `absent` (an empty value: no information), or why it cannot be cast. */
export type CastOutcome = { ok: true; value: unknown } | { ok: true; absent: true } | { ok: false; detail: string };

const DATE_ONLY = /^(\d{4})[-/](\d{2})[-/](\d{2})$/;
/** Each declared order; a day or month may drop its leading zero where a separator follows it (`1.2.2027`). */
const DATE_IN: Readonly<Record<DateFormat, RegExp>> = {
  'DD.MM.YYYY': /^(?<d>\d{1,2})\.(?<m>\d{1,2})\.(?<y>\d{4})$/,
  'DD/MM/YYYY': /^(?<d>\d{1,2})\/(?<m>\d{1,2})\/(?<y>\d{4})$/,
  'DD-MM-YYYY': /^(?<d>\d{1,2})-(?<m>\d{1,2})-(?<y>\d{4})$/,
  'MM/DD/YYYY': /^(?<m>\d{1,2})\/(?<d>\d{1,2})\/(?<y>\d{4})$/,
  'MM-DD-YYYY': /^(?<m>\d{1,2})-(?<d>\d{1,2})-(?<y>\d{4})$/,
  YYYYMMDD: /^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$/,
};
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Thousands grouped by commas, a dot for decimals ("1,234.5"); "12,5" is ambiguous and refused. */
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
/** Each declared grouping: thousands optional (`1234,5` too), grouped by threes when present; the decimal mark as named. */
const NUMBER_IN: Readonly<Record<NumberFormat, { pattern: RegExp; group: RegExp; decimal: string }>> = {
  '1,234.56': { pattern: /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/, group: /,/g, decimal: '.' },
  '1.234,56': { pattern: /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/, group: /\./g, decimal: ',' },
  // a space, or the no-break spaces that spreadsheets and Intl write
  '1 234,56': { pattern: /^[+-]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,\d+)?$/, group: /[ \u00a0\u202f]/g, decimal: ',' },
  "1'234.56": { pattern: /^[+-]?(?:\d{1,3}(?:'\d{3})+|\d+)(?:\.\d+)?$/, group: /'/g, decimal: '.' },
};
const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  y: true,
  '1': true,
  false: false,
  no: false,
  n: false,
  '0': false,
};

function shown(value: unknown): string {
  return JSON.stringify(value).slice(0, 60);
}

/**
 * date: an ISO-8601 date (`2027-03-31`, also `2027/03/31`) stays a date, `YYYY-MM-DD`; an ISO-8601 date-time (T or
 * space, optional seconds and fraction, offset or Z, none read as UTC) becomes the full ISO instant in UTC; a JSON
 * number is epoch milliseconds. Day-first or month-first forms (`31/03/2027`, `03/31/2027`) are refused: which one
 * a source meant cannot be known, unless the mapping names the source's order (`format: "DD.MM.YYYY"`): then that
 * order is read too, as a date. Every field is range-checked (`2027-02-30` is refused).
 */
function castDate(value: unknown, format?: DateFormat): CastOutcome {
  if (format !== undefined && typeof value === 'string') {
    const parts = DATE_IN[format].exec(value.trim());
    if (parts) {
      const { y, m, d } = parts.groups!;
      const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
      return parseIsoTimestamp(iso) === undefined ? { ok: false, detail: `${shown(value)} is not a real date` } : { ok: true, value: iso };
    }
    if (!DATE_ONLY.test(value.trim()) && parseIsoTimestamp(value.trim()) === undefined)
      return { ok: false, detail: `${shown(value)} is not a date as ${format} (nor an ISO-8601 date or date-time)` };
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= 8.64e15
      ? { ok: true, value: new Date(value).toISOString() }
      : { ok: false, detail: `${shown(value)} is not a date (epoch milliseconds out of range)` };
  }
  if (typeof value !== 'string') return { ok: false, detail: `${shown(value)} is not a date` };
  const text = value.trim();
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const iso = `${dateOnly[1]}-${dateOnly[2]}-${dateOnly[3]}`;
    return parseIsoTimestamp(iso) === undefined ? { ok: false, detail: `${shown(value)} is not a real date` } : { ok: true, value: iso };
  }
  const instant = parseIsoTimestamp(text);
  if (instant === undefined)
    return { ok: false, detail: `${shown(value)} is not an ISO-8601 date or date-time (YYYY-MM-DD, YYYY-MM-DDTHH:mm:ssZ)` };
  return { ok: true, value: new Date(instant).toISOString() };
}

/**
 * number: a finite JSON number, or a numeric string (`"42"`, `"-1.5e3"`, `"1,234.5"` with comma thousands); with a
 * format (`"1.234,56"`), text in exactly that grouping and decimal mark.
 */
function castNumber(value: unknown, format?: NumberFormat): CastOutcome {
  if (typeof value === 'number')
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, detail: `${shown(value)} is not a finite number` };
  if (typeof value !== 'string') return { ok: false, detail: `${shown(value)} is not a number` };
  const text = value.trim();
  let normalized: string;
  if (format !== undefined) {
    const { pattern, group, decimal } = NUMBER_IN[format];
    if (!pattern.test(text)) return { ok: false, detail: `${shown(value)} is not a number as ${format}` };
    normalized = text.replace(group, '').replace(decimal, '.');
  } else if (PLAIN_NUMBER.test(text) || GROUPED_NUMBER.test(text)) {
    normalized = text.replace(/,/g, '');
  } else {
    return {
      ok: false,
      detail: `${shown(value)} is not a number (digits, optional sign, "." for decimals, "," only between thousands; a mapping's "format" such as "1.234,56" reads other groupings)`,
    };
  }
  const number = Number(normalized);
  return Number.isFinite(number) ? { ok: true, value: number } : { ok: false, detail: `${shown(value)} is not a finite number` };
}

/** boolean: a JSON boolean, 1 / 0, or true/false/yes/no/y/n/1/0 in any case. */
function castBoolean(value: unknown): CastOutcome {
  if (typeof value === 'boolean') return { ok: true, value };
  const key = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (key !== undefined && Object.hasOwn(BOOLEANS, key)) return { ok: true, value: BOOLEANS[key] };
  return { ok: false, detail: `${shown(value)} is not a boolean (true/false, yes/no, y/n, 1/0)` };
}

/**
 * Converts one attribute value as its mapping's cast says. null stays null (a source saying "no value any more"), and
 * an empty or blank string is absent (an empty cell says nothing), so neither is ever an error.
 */
export function castValue(value: unknown, cast: FieldCast, format?: CastFormat): CastOutcome {
  if (value === null) return { ok: true, value: null };
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return { ok: true, absent: true };
  // parseCast pairs each format with its own cast
  if (cast === 'date') return castDate(value, format as DateFormat | undefined);
  if (cast === 'number') return castNumber(value, format as NumberFormat | undefined);
  return castBoolean(value);
}
