import { BadRequestException } from '@nestjs/common';
import { requireBodyKeyMatchesPath } from './path-key-match';

describe('requireBodyKeyMatchesPath', () => {
  it('accepts a body that leaves the key out or repeats the path', () => {
    expect(() => requireBodyKeyMatchesPath(undefined, 'a')).not.toThrow();
    expect(() => requireBodyKeyMatchesPath('a', 'a')).not.toThrow();
  });

  it('answers another key with the one 400 shape, at the field', () => {
    try {
      requireBodyKeyMatchesPath('b', 'a', 'key');
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as BadRequestException).getResponse()).toEqual({
        message: 'body/key must match the path key',
        details: [{ path: '/key', message: 'must match the path key' }],
      });
    }
  });
});
