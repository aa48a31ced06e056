import fc from 'fast-check';
import { MAX_NESTING_DEPTH, nestingTooDeep } from './nesting-limit';

/** Reference: the nesting depth of a parsed value, the value itself being level 1 when it is an object or array. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
}

const text = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('nestingTooDeep', () => {
  it('agrees with the depth of the parsed value, for any JSON and any limit', () => {
    // Strings full of brackets, quotes and backslashes must not count.
    const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ',', ':'), maxLength: 12 });
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tricky, fc.integer(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 3 }),
      object: fc.dictionary(tricky, tie('value'), { maxKeys: 3 }),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 1, max: 8 }), (value, limit) => {
        const found = nestingTooDeep(text(value), limit);
        expect(found !== undefined).toBe(depthOf(value) > limit);
      }),
      { numRuns: 2_000, seed: 20261205 },
    );
  });

  it('names the first value past the limit as a JSON Pointer, with escaped keys', () => {
    expect(nestingTooDeep(text({ a: { 'b/c~': [[1], { d: [[]] }] } }), 4)).toBe('/a/b~1c~0/1/d');
    expect(nestingTooDeep(text({ 'k"[{': { x: '}}]]"' }, y: [[[[1]]]] }), 3)).toBe('/y/0/0');
    expect(nestingTooDeep(text({ a: [1, 2, [3]] }), 3)).toBeUndefined();
    expect(nestingTooDeep(text({ a: [1, 2, [[3]]] }), 3)).toBe('/a/2/0');
  });

  it(`allows ${MAX_NESTING_DEPTH} levels by default and cuts a long path short`, () => {
    const deep = (levels: number) => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(nestingTooDeep(deep(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(nestingTooDeep(deep(MAX_NESTING_DEPTH + 1))).toBe('/0/0/0/0/0/0/0/0/0/0/0/0/...');
    expect(nestingTooDeep(deep(1_000_000))).toBe('/0/0/0/0/0/0/0/0/0/0/0/0/...');
  });

  it('measures text that is not JSON without failing (JSON.parse refuses it afterwards)', () => {
    for (const body of ['"unterminated', '{"a": "\\', ']]]]', '{{{{', '\\"[[[']) {
      expect(() => nestingTooDeep(Buffer.from(body), 2)).not.toThrow();
    }
  });
});
