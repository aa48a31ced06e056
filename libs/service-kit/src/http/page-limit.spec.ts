import { BadRequestException } from '@nestjs/common';
import { pageLimit } from './page-limit';

describe('pageLimit', () => {
  it('takes an integer within 1..max and falls back when absent or empty', () => {
    expect(pageLimit('25', 50)).toBe(25);
    expect(pageLimit(7, 50, 10)).toBe(7);
    expect(pageLimit(undefined, 50)).toBe(50);
    expect(pageLimit('', 50)).toBe(50);
    expect(pageLimit('1000', 50)).toBe(1000);
  });

  it.each(['0', '-1', '1001', '2.5', 'ten', '1e9'])('answers 400 for %p, saying the range', (raw) => {
    expect(() => pageLimit(raw, 50)).toThrow(new BadRequestException('limit must be an integer from 1 to 1000'));
  });
});
