import fc from 'fast-check';
import { arrayLiteral, elementEncoding } from './array-literal';

// pg's own encoder, the reference: what it sends for a JS array parameter.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

describe('arrayLiteral', () => {
  const scalar = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom('', 'NULL', '"', '\\', '{}', 'a,b', ' '),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
  );

  it('is the literal pg builds from the same JS array, for text, numbers, bigints, booleans and nulls', () => {
    fc.assert(
      fc.property(fc.array(scalar), (values) =>
        expect(arrayLiteral(values, 'plain')).toBe(values.length === 0 ? '{}' : prepareValue(values)),
      ),
    );
  });

  it('hands Buffers, nested arrays, objects and dates in plain columns to pg unchanged', () => {
    const odd = [Buffer.from([1, 255]), ['x', null, ['y"']], { a: '"q"' }, new Date('2026-03-04T05:06:07.089Z')];
    expect(arrayLiteral(odd, 'plain')).toBe(prepareValue(odd));
  });

  it('serialises json columns like JSON.stringify before pg, and a non-serialisable value as NULL', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.jsonValue(), { nil: undefined })), (values) => {
        const reference = values.map((value) => (value === undefined || value === null ? null : JSON.stringify(value)));
        expect(arrayLiteral(values, 'json')).toBe(values.length === 0 ? '{}' : prepareValue(reference));
      }),
    );
    expect(arrayLiteral([() => 1, { a: 1 }], 'json')).toBe('{NULL,"{\\"a\\":1}"}');
  });

  it('writes timestamptz instants as UTC ISO text, once per repeated Date, and leaves years outside 1..9999 to pg', () => {
    const at = new Date('2026-01-02T03:04:05.006Z');
    const ancient = new Date('-000050-01-01T00:00:00.000Z');
    expect(arrayLiteral([at, null, at, ancient], 'instant')).toBe(
      `{"2026-01-02T03:04:05.006Z",NULL,"2026-01-02T03:04:05.006Z",${(prepareValue([ancient]) as string).slice(1, -1)}}`,
    );
  });

  it('picks the encoding from the element type', () => {
    expect(
      ['jsonb', 'json', 'timestamptz', 'timestamptz(3)', 'timestamp with time zone', 'timestamp', 'date', 'text'].map(elementEncoding),
    ).toEqual(['json', 'json', 'instant', 'instant', 'instant', 'plain', 'plain', 'plain']);
  });
});
