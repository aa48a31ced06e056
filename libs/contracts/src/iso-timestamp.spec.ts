import { parseIsoTimestamp } from './iso-timestamp';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00.123456Z', '2026-11-22T10:00:00.123Z'],
    ['2026-11-22T12:00:00+02:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T12:00:00+0200', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T05:00-05', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22 10:00:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
    ['2028-02-29T23:59:59.999Z', '2028-02-29T23:59:59.999Z'],
    ['2026-03-01T00:30:00+01:00', '2026-02-28T23:30:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => expect(new Date(parseIsoTimestamp(text)!).toISOString()).toBe(iso));

  it.each(['yesterday', '1732270000', '2026-13-45T10:00:00Z', '', '2026-11-22T10:00:00 PST'])('refuses %j', (text) =>
    expect(parseIsoTimestamp(text)).toBeUndefined(),
  );

  // Date.parse rolls these over (2026-02-30 becomes March 2); an event must not move to a day it did not name.
  it.each([
    '2026-02-30T10:00:00Z',
    '2026-02-29',
    '2026-04-31T00:00:00Z',
    '2026-00-10',
    '2026-11-00',
    '2026-11-22T24:00:00Z',
    '2026-11-22T10:60:00Z',
    '2026-11-22T10:00:60Z',
    '2026-11-22T10:00:00+24:00',
    '2026-11-22T10:00:00+01:60',
  ])('refuses the impossible date-time %j', (text) => expect(parseIsoTimestamp(text)).toBeUndefined());
});
