import fc from 'fast-check';
import { utf8Length, writeUtf8 } from './utf8-text';

describe('utf8Length and writeUtf8', () => {
  it('measure and write any string as Buffer.byteLength and Buffer.from do', () => {
    const strings = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
    );
    fc.assert(
      fc.property(strings, fc.nat({ max: 8 }), (text, offset) => {
        const length = utf8Length(text);
        expect(length).toBe(Buffer.byteLength(text, 'utf8'));
        const buf = Buffer.alloc(offset + length + 3, 0xee);
        expect(writeUtf8(buf, offset, text, length)).toBe(offset + length);
        expect(buf.subarray(offset, offset + length)).toEqual(Buffer.from(text, 'utf8'));
        expect(buf.subarray(offset + length)).toEqual(Buffer.alloc(3, 0xee));
      }),
      { numRuns: 2000 },
    );
  });
});
