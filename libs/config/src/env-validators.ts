import { EnvError, makeValidator, str } from 'envalid';

/**
 * envalid validators whose error messages state what is expected ("must be ..."), so the start-up error reads
 * `Invalid environment: PORT must be an integer 1-65535, got "abc"`. Services define their own variables with
 * these (or with `makeValidator`, following the same "must ..." wording).
 */
function fail(expected: string): never {
  throw new EnvError(`must be ${expected}`);
}

/** An integer within [min, max]; usage: `int(1, 100)({ default: 10, desc: '...' })`. */
export function int(min: number, max: number) {
  return makeValidator<number>((input) => {
    const trimmed = input.trim();
    if (!/^-?\d+$/.test(trimmed)) fail(`an integer ${min}-${max}`);
    const value = Number(trimmed);
    if (!Number.isSafeInteger(value) || value < min || value > max) fail(`an integer ${min}-${max}`);
    return value;
  });
}

export const port = int(1, 65535);

/** Milliseconds as a whole number, 0 allowed only when min is 0. */
export function durationMs(min: number, max: number) {
  return int(min, max);
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const bool = makeValidator<boolean>((input) => {
  const word = input.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return fail('a boolean (true/false, 1/0, yes/no, on/off)');
});

/** One of a fixed set of words; the output type is the union of the choices. */
export function oneOf<const T extends string>(choices: readonly T[]) {
  return makeValidator<T>((input) => {
    const value = input.trim();
    if (!(choices as readonly string[]).includes(value)) fail(`one of ${choices.join(', ')}`);
    return value as T;
  });
}

/** A comma-separated list of host:port pairs, e.g. Kafka bootstrap brokers. */
export const hostPortList = makeValidator<string[]>((input) => {
  const items = input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const valid =
    items.length > 0 && items.every((item) => /^[A-Za-z0-9._-]+:\d{1,5}$/.test(item) || /^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(item));
  if (!valid) fail('a comma-separated list of host:port (e.g. kafka-1:9092,kafka-2:9092)');
  return items;
});

/** A PostgreSQL connection URL. */
export const postgresUrl = makeValidator<string>((input) => {
  const value = input.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['postgres:', 'postgresql:'].includes(parsed.protocol) || !parsed.hostname) {
    fail('a postgres:// URL (e.g. postgres://user:password@host:5432/database)');
  }
  return value;
});

/**
 * A lowercase SQL identifier, safe to splice into DDL unquoted (schema names, search_path).
 * `pg_` is reserved by Postgres for system schemas.
 */
export const sqlIdentifier = makeValidator<string>((input) => {
  const value = input.trim();
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value) || value.startsWith('pg_')) {
    fail('a lowercase SQL identifier: a-z, 0-9 and _, starting with a letter or _, at most 63 characters, not pg_*');
  }
  return value;
});

/** A non-empty token without whitespace (API tokens, keys). */
export const token = makeValidator<string>((input) => {
  if (input.length === 0 || /\s/.test(input)) fail('a non-empty value without whitespace');
  return input;
});

export { str };
