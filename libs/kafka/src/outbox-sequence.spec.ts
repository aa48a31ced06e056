import fc from 'fast-check';
import { formatOutboxSequence, isAfter, parseOutboxSequence, sequencePosition } from './outbox-sequence';

describe('outbox sequence header', () => {
  it('round-trips any sequence', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.integer({ min: 0, max: 15 }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (origin, lane, xid, pos) => {
        expect(parseOutboxSequence(formatOutboxSequence({ origin, lane, xid, pos }))).toEqual({ origin, lane, xid, pos });
      }),
    );
  });

  it('reads a malformed or missing header as no sequence, so the consumer falls back to the message id', () => {
    for (const value of [undefined, '', 'o:1:2', 'o:1:2:x', ':1:2:3', 'o:1:2:3:4', 'o:-1:2:3']) expect(parseOutboxSequence(value)).toBeUndefined();
  });

  it('orders by xid, then position; positions of consecutive rows never overlap', () => {
    expect(isAfter({ xid: 2n, pos: 0n }, { xid: 1n, pos: 99n })).toBe(true);
    expect(isAfter({ xid: 1n, pos: 5n }, { xid: 1n, pos: 5n })).toBe(false);
    expect(isAfter({ xid: 1n, pos: 4n }, { xid: 1n, pos: 5n })).toBe(false);
    expect(sequencePosition('7', 499)).toBeLessThan(sequencePosition('8', 0));
  });
});
