import { isBlockedIdentifier } from './blocked-identifiers';

describe('isBlockedIdentifier', () => {
  it.each([
    'anonymous',
    'Anonymous',
    'null',
    'NULL',
    'undefined',
    '0',
    '-1',
    'guest',
    'GUEST',
    '[object Object]',
    'NaN',
    '000',
    '---',
    '0-0-0',
    ' null ',
  ])('blocks %j', (value) => expect(isBlockedIdentifier(value)).toBe(true));
  it.each(['user-1', '10', '-2', 'guest1', 'nullable', '0x0', 'a0'])('allows %j', (value) =>
    expect(isBlockedIdentifier(value)).toBe(false),
  );
});
