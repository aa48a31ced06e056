import { castValue } from './cast-value';

describe('castValue', () => {
  it.each([
    ['2027-03-31', '2027-03-31'],
    [' 2027/03/31 ', '2027-03-31'],
    ['2027-03-31T10:00:00+02:00', '2027-03-31T08:00:00.000Z'],
    ['2027-03-31 10:00', '2027-03-31T10:00:00.000Z'],
    ['2027-03-31T10:00:00.5Z', '2027-03-31T10:00:00.500Z'],
    [1_806_400_000_000, '2027-03-30T09:46:40.000Z'],
  ])('date %j -> %j', (input, expected) => {
    expect(castValue(input, 'date')).toEqual({ ok: true, value: expected });
  });

  it.each(['31/03/2027', '03/31/2027', '2027-02-30', '2027-13-01', 'next tuesday', true])('refuses %j as a date, saying why', (input) => {
    expect(castValue(input, 'date')).toEqual({ ok: false, detail: expect.stringContaining(JSON.stringify(input)) });
  });

  it.each([
    ['31.03.2027', 'DD.MM.YYYY', '2027-03-31'],
    [' 1.2.2027 ', 'DD.MM.YYYY', '2027-02-01'],
    ['31/03/2027', 'DD/MM/YYYY', '2027-03-31'],
    ['31-03-2027', 'DD-MM-YYYY', '2027-03-31'],
    ['03/31/2027', 'MM/DD/YYYY', '2027-03-31'],
    ['3-31-2027', 'MM-DD-YYYY', '2027-03-31'],
    ['20270331', 'YYYYMMDD', '2027-03-31'],
    ['2027-03-31', 'DD.MM.YYYY', '2027-03-31'], // ISO-8601 is never ambiguous
    ['2027-03-31T10:00:00Z', 'MM/DD/YYYY', '2027-03-31T10:00:00.000Z'],
  ] as const)('date %j as %s -> %j', (input, format, expected) => {
    expect(castValue(input, 'date', format)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['31.02.2027', 'DD.MM.YYYY', 'is not a real date'],
    ['03/31/2027', 'DD/MM/YYYY', 'is not a real date'],
    ['31-03-2027', 'DD.MM.YYYY', 'is not a date as DD.MM.YYYY'],
    ['2027331', 'YYYYMMDD', 'is not a date as YYYYMMDD'],
  ] as const)('refuses %j as %s: %s', (input, format, why) => {
    expect(castValue(input, 'date', format)).toEqual({ ok: false, detail: expect.stringContaining(`${JSON.stringify(input)} ${why}`) });
  });

  it.each([
    ['42', 42],
    [' -1.5e3 ', -1500],
    ['1,234.5', 1234.5],
    ['1,234,567', 1234567],
    ['.5', 0.5],
    [7.25, 7.25],
  ])('number %j -> %j', (input, expected) => {
    expect(castValue(input, 'number')).toEqual({ ok: true, value: expected });
  });

  it.each(['12,5', '1,23', 'ten', '1e400', '0x10', true, [1]])('refuses %j as a number', (input) => {
    expect(castValue(input, 'number')).toMatchObject({ ok: false });
  });

  it.each([
    ['1.234,50', '1.234,56', 1234.5],
    ['-1.234.567', '1.234,56', -1234567],
    ['1.234', '1.234,56', 1234],
    ['12,5', '1.234,56', 12.5],
    ['1234,5', '1.234,56', 1234.5],
    ['1 234,5', '1 234,56', 1234.5],
    ['1\u00a0234\u00a0567,25', '1 234,56', 1234567.25],
    ['1\u202f234', '1 234,56', 1234],
    ["1'234.5", "1'234.56", 1234.5],
    ['1,234.5', '1,234.56', 1234.5],
    [99.5, '1.234,56', 99.5],
  ] as const)('number %j as %s -> %j', (input, format, expected) => {
    expect(castValue(input, 'number', format)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1,234.5', '1.234,56'],
    ['1.23', '1.234,56'],
    ['12.345,6.7', '1.234,56'],
    ['1 23,4', '1 234,56'],
    ['1e3', '1.234,56'],
    ["1'23.4", "1'234.56"],
  ] as const)('refuses %j as a number as %s, naming the format', (input, format) => {
    expect(castValue(input, 'number', format)).toEqual({ ok: false, detail: `${JSON.stringify(input)} is not a number as ${format}` });
  });

  it.each([
    ['TRUE', true],
    ['yes', true],
    ['Y', true],
    ['1', true],
    [1, true],
    ['false', false],
    [' No ', false],
    ['n', false],
    [0, false],
    [false, false],
  ])('boolean %j -> %j', (input, expected) => {
    expect(castValue(input, 'boolean')).toEqual({ ok: true, value: expected });
  });

  it.each(['maybe', 2, 'on'])('refuses %j as a boolean', (input) => {
    expect(castValue(input, 'boolean')).toMatchObject({ ok: false, detail: expect.stringContaining('not a boolean') });
  });

  it('keeps null (the source has no value any more) and treats an empty value as absent, whatever the cast', () => {
    for (const cast of ['date', 'number', 'boolean'] as const) {
      expect(castValue(null, cast)).toEqual({ ok: true, value: null });
      expect(castValue('  ', cast)).toEqual({ ok: true, absent: true });
    }
  });
});
