import { lookupIdentifierValue, lookupMissHint } from './identifier-lookup';

describe('identifier values as people type them into a lookup', () => {
  it.each([
    ['email', ' Jane.Doe@Example.COM ', 'jane.doe@example.com'],
    ['phone', '+49 30 1234567', '+49301234567'],
    ['phone', '+49 (30) 123-4567', '+49301234567'],
    ['phone', '0049 30 1234567', '+49301234567'],
    ['phone', ' 14155550142', '+14155550142'],
    ['phone', '+1.415.555.0142', '+14155550142'],
    ['phone', '030 1234567', '030 1234567'],
    ['phone', 'not a phone', 'not a phone'],
    ['user_id', ' u-1 ', ' u-1 '],
  ])('%s %j -> %j', (type, typed, stored) => {
    expect(lookupIdentifierValue(type, typed)).toBe(stored);
  });

  it('asks for the country code of a phone written without one', () => {
    expect(lookupMissHint('phone', '030 1234567')).toMatch(/give the country code/);
    expect(lookupMissHint('phone', '+49301234567')).toBe('');
    expect(lookupMissHint('email', 'a@b.c')).toBe('');
  });
});
