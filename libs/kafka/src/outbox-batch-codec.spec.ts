import * as fc from 'fast-check';
import { decodeOutboxBatch, encodeOutboxBatch, type PackedMessage } from './outbox-batch-codec';

const bytes = fc.option(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  { nil: null },
);
const message: fc.Arbitrary<PackedMessage> = fc.record({
  topic: fc.string({ minLength: 1, maxLength: 40 }),
  key: bytes,
  value: bytes,
  headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 4 }),
});

describe('packed outbox rows', () => {
  it('decode(encode(messages)) gives the messages back, in order, nulls and empty buffers kept apart', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (messages) => {
        expect(decodeOutboxBatch(encodeOutboxBatch(messages))).toEqual(messages);
      }),
    );
  });

  it('decodes strings that repeat from message to message, or differ from the previous one in a byte, exactly', () => {
    // Few distinct values of equal lengths, so most strings repeat the previous message's or differ in one byte.
    const similar = fc.constantFrom('ab', 'ac', 'bc', 'é', 'ü', 'x-1', 'x-2', '', 'a'.repeat(70), 'a'.repeat(69) + 'b');
    const repetitive: fc.Arbitrary<PackedMessage> = fc.record({
      topic: similar.filter((t) => t !== ''),
      key: bytes,
      value: bytes,
      headers: fc.dictionary(similar, similar, { maxKeys: 3 }),
    });
    fc.assert(
      fc.property(fc.array(repetitive, { maxLength: 30 }), (messages) => {
        expect(decodeOutboxBatch(encodeOutboxBatch(messages))).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string>;
    const [decoded] = decodeOutboxBatch(encodeOutboxBatch([{ topic: 't', key: null, value: null, headers }]));
    expect(Object.entries(decoded.headers)).toEqual([
      ['__proto__', 'x'],
      ['a', 'b'],
    ]);
  });

  it('refuses a format it does not know rather than publishing garbage', () => {
    const packed = encodeOutboxBatch([{ topic: 't', key: null, value: Buffer.from('v'), headers: {} }]);
    packed[0] = 9;
    expect(() => decodeOutboxBatch(packed)).toThrow('unknown packed outbox format 9');
  });
});
