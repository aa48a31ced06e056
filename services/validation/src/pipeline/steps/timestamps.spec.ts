import { parseIsoTimestamp } from './timestamps';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T10:00:00.123456Z', '2026-11-22T10:00:00.123Z'],
    ['2026-11-22T12:00:00+02:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T12:00:00+0200', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22T05:00-05', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22 10:00:00', '2026-11-22T10:00:00.000Z'],
    ['2026-11-22', '2026-11-22T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => expect(new Date(parseIsoTimestamp(text)!).toISOString()).toBe(iso));

  it.each(['yesterday', '1732270000', '2026-13-45T10:00:00Z', '', '2026-11-22T10:00:00 PST'])('refuses %j', (text) => expect(parseIsoTimestamp(text)).toBeUndefined());
});
