import { createTestSchema, type TestSchema } from '@tessera/testing';
import fc from 'fast-check';
import { defaults, type Pool, type PoolClient } from 'pg';
import { buildUnnestInsert, buildUnnestUpdate, columnArrays, unnestArguments, type UnnestColumn } from './index';

/**
 * The builders bind hand-made array literals (and bytea as one sliced blob) instead of JS arrays for pg to encode.
 * This checks on the real Postgres that the STORED rows are identical, byte for byte in their text form, to those
 * the reference encoding (columnArrays bound as JS arrays, which pg encodes itself) stores.
 */
type Queryable = Pool | PoolClient;

const COLUMNS: UnnestColumn[] = [
  { name: 'i', type: 'integer' },
  { name: 't', type: 'text' },
  { name: 'n', type: 'bigint' },
  { name: 'f', type: 'double precision' },
  { name: 'num', type: 'numeric' },
  { name: 'b', type: 'boolean' },
  { name: 'at', type: 'timestamptz' },
  { name: 'ts', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'j', type: 'jsonb' },
  { name: 'bin', type: 'bytea' },
];
const TABLE = `(i integer PRIMARY KEY, t text, n bigint, f double precision, num numeric, b boolean, at timestamptz, ts timestamp,
  day date, j jsonb, bin bytea)`;

// Postgres text cannot hold NUL; everything else, including lone surrogates pg turns into U+FFFD, is fair game.
const noNul = (text: string) => !text.includes('\u0000');
const tricky = fc.constantFrom(
  '',
  ' ',
  'NULL',
  'null',
  ' NULL ',
  '{',
  '}',
  '{}',
  ',',
  '"',
  '\\',
  '\\\\"',
  'a"b\\c',
  '{"a","b"}',
  "it's",
  '\t\n',
);
const text = fc.oneof(fc.string({ unit: 'binary' }).filter(noNul), fc.string({ unit: 'grapheme' }).filter(noNul), tricky);
const json = fc
  .jsonValue()
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !JSON.stringify(value).includes('\\u0000'));

function rowArbitrary(dates: fc.Arbitrary<Date>) {
  return fc.record({
    t: fc.option(text),
    n: fc.option(fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer())),
    f: fc.option(fc.double()),
    num: fc.option(fc.oneof(fc.integer(), fc.double({ noDefaultInfinity: true, noNaN: true }))),
    b: fc.option(fc.boolean()),
    at: fc.option(dates),
    ts: fc.option(dates),
    day: fc.option(dates),
    j: fc.option(fc.oneof(json, fc.object(), fc.constantFrom({ quote: 'it\'s "odd" \\ {}' }, { 'k"\\': ['NULL', null] }))),
    bin: fc.option(
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
        fc.uint8Array({ maxLength: 20 }),
      ),
    ),
  });
}

const ISO_RANGE = fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
// Outside 0001..9999 toISOString is not Postgres syntax; the builders hand those to pg's encoder.
const OUTSIDE = fc.constantFrom(
  new Date('-000100-06-01T12:00:00.000Z'),
  new Date('+012000-01-01T00:00:00.000Z'),
  new Date('0000-12-31T23:59:59.999Z'),
);

describe('array literals store exactly what pg stored from JS arrays', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('unnest_equiv');
    await db.pool.query(`CREATE TABLE reference ${TABLE}`);
    await db.pool.query(`CREATE TABLE literal ${TABLE}`);
  });
  afterAll(() => db?.drop());

  async function storedText(db: Queryable, table: string): Promise<string[]> {
    const { rows } = await db.query<{ row: string }>(`SELECT x::text AS row FROM ${table} x ORDER BY i`);
    return rows.map((row) => row.row);
  }

  const sameStored =
    (db: Queryable) =>
    async (rows: Record<string, unknown>[]): Promise<void> => {
      await db.query('TRUNCATE reference, literal');
      const indexed = rows.map((row, i) => ({ ...row, i }));
      const reference = `INSERT INTO reference SELECT * FROM unnest(${unnestArguments(COLUMNS)})`;
      await db.query(reference, columnArrays(COLUMNS, indexed));
      await db.query(buildUnnestInsert({ table: 'literal', columns: COLUMNS, rows: indexed }));
      expect(await storedText(db, 'literal')).toEqual(await storedText(db, 'reference'));
    };

  it('for random rows of every column kind', async () => {
    await fc.assert(fc.asyncProperty(fc.array(rowArbitrary(fc.oneof(ISO_RANGE, OUTSIDE)), { maxLength: 40 }), sameStored(db.pool)), {
      numRuns: 150,
    });
  });

  it('with Node and the session in other half-hour time zones, and with parseInputDatesAsUTC', async () => {
    const zone = process.env.TZ;
    // Node re-reads TZ on assignment. St John's has had a whole-minute offset since 1935 (pg cannot write LMT seconds).
    process.env.TZ = 'America/St_Johns';
    // A session zone that is not UTC either, so an instant read in the wrong zone would show.
    const client = await db.pool.connect();
    await client.query("SET TIME ZONE 'Asia/Kathmandu'");
    const modern = fc.date({ min: new Date('1936-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });
    try {
      await fc.assert(fc.asyncProperty(fc.array(rowArbitrary(modern), { maxLength: 20 }), sameStored(client)), { numRuns: 40 });
      defaults.parseInputDatesAsUTC = true;
      await fc.assert(fc.asyncProperty(fc.array(rowArbitrary(modern), { maxLength: 20 }), sameStored(client)), { numRuns: 40 });
    } finally {
      defaults.parseInputDatesAsUTC = false;
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
      client.release(true);
    }
  });

  it('updates rows through the bytea-slicing subquery like the reference', async () => {
    await db.pool.query('TRUNCATE literal');
    await db.pool.query(
      buildUnnestInsert({
        table: 'literal',
        columns: COLUMNS.slice(0, 2),
        rows: [
          { i: 1, t: 'a' },
          { i: 2, t: 'b' },
          { i: 3, t: 'c' },
        ],
      }),
    );
    await db.pool.query(
      buildUnnestUpdate({
        table: 'literal',
        key: [{ name: 'i', type: 'integer' }],
        columns: [
          { name: 'bin', type: 'bytea' },
          { name: 't', type: 'text' },
        ],
        rows: [
          { i: 1, bin: Buffer.from([0, 255]), t: 'x' },
          { i: 3, bin: null, t: null },
          { i: 2, bin: Buffer.alloc(0), t: '"' },
        ],
      }),
    );
    const { rows } = await db.pool.query('SELECT i, t, bin FROM literal ORDER BY i');
    expect(rows).toEqual([
      { i: 1, t: 'x', bin: Buffer.from([0, 255]) },
      { i: 2, t: '"', bin: Buffer.alloc(0) },
      { i: 3, t: null, bin: null },
    ]);
  });
});
