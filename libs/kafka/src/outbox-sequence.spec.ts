import fc from 'fast-check';
import { formatOutboxSequence, parseOutboxSequence, sequencePosition } from './outbox-sequence';

describe('outbox sequence header', () => {
  it('round-trips any sequence, whatever the lane holds (consumer lanes contain ":")', () => {
    const lane = fc.oneof(
      fc
        .tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.nat())
        .map(([group, topic, partition]) => `c:${group}:${topic}:${partition}`),
      fc.string({ minLength: 1 }).map((name) => `w:${name}`),
    );
    fc.assert(
      fc.property(fc.uuid(), lane, fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (origin, laneId, pos) => {
        expect(parseOutboxSequence(formatOutboxSequence({ origin, lane: laneId, pos }))).toEqual({ origin, lane: laneId, pos });
      }),
    );
  });

  it('reads a malformed or missing header as no sequence, so the consumer falls back to the message id', () => {
    for (const value of [undefined, '', 'o:1', 'o::2', 'o:w:x', ':w:3', 'o:w:-3', 'o:w:3x'])
      expect(parseOutboxSequence(value)).toBeUndefined();
  });

  it('parses a run of values sharing origin and lane as it parses each alone, malformed ones included', () => {
    // The reference: the header format read afresh for every value.
    const alone = (value: string) => {
      const match = /^([^:]+):(.+):(\d{1,20})$/.exec(value);
      return match ? { origin: match[1], lane: match[2], pos: BigInt(match[3]) } : undefined;
    };
    const prefix = fc.constantFrom('o1:c:g:t:0:', 'o1:c:g:t:1:', 'o2:w:x:', 'o1:c:g:t:', 'o1:');
    const suffix = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
      fc.constantFrom('', 'x', '1:2', '12\n', '-1', '9'.repeat(21)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(prefix, suffix), { maxLength: 12 }), (values) => {
        for (const [p, tail] of values) expect(parseOutboxSequence(p + tail)).toEqual(alone(p + tail));
      }),
      { numRuns: 500 },
    );
  });

  it('positions of consecutive rows never overlap', () => {
    expect(sequencePosition('7', 499)).toBeLessThan(sequencePosition('8', 0));
  });
});
