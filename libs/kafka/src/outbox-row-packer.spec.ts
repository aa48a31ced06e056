import * as fc from 'fast-check';
import { decodeOutboxBatch, encodeOutboxBatch, MAX_MESSAGES_PER_PACKED_ROW, type PackedMessage } from './outbox-batch-codec';
import { MessageHeaders } from './message-headers';
import { OutboxRowPacker } from './outbox-row-packer';

const message: fc.Arbitrary<PackedMessage> = fc.record({
  topic: fc.string({ minLength: 1, maxLength: 40 }),
  key: fc.option(
    fc.string({ unit: 'grapheme', maxLength: 80 }).map((k) => Buffer.from(k)),
    { nil: null },
  ),
  value: fc.option(
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    { nil: null },
  ),
  headers: fc
    .dictionary(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 90 }), { maxKeys: 3 })
    .chain((h) => fc.uuid().map((id) => ({ ...h, [MessageHeaders.messageId]: id }))),
});

function pack(packer: OutboxRowPacker, messages: readonly PackedMessage[]) {
  for (const m of messages) packer.add(m.topic, m.key && m.key.toString(), m.value, m.headers);
  return packer.take();
}

describe('OutboxRowPacker', () => {
  it('makes the bytes encodeOutboxBatch makes of the same messages, a row per 500, and starts empty after take', () => {
    const packer = new OutboxRowPacker();
    fc.assert(
      fc.property(fc.array(message, { maxLength: 30 }), fc.nat(1_200), (messages, copies) => {
        // many copies of the first message: rows are sealed at 500 messages
        const all = messages.length === 0 ? [] : [...messages, ...Array<PackedMessage>(copies).fill(messages[0])];
        const rows = pack(packer, all);
        const expected: Buffer[] = [];
        for (let start = 0; start < all.length; start += MAX_MESSAGES_PER_PACKED_ROW)
          expected.push(encodeOutboxBatch(all.slice(start, start + MAX_MESSAGES_PER_PACKED_ROW)));
        expect(rows.map((r) => r.packed.toString('hex'))).toEqual(expected.map((b) => b.toString('hex')));
        expect(rows.map((r) => r.count)).toEqual(expected.map((b) => b.readUInt32BE(1)));
        expect(packer.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps header values free of U+0000, as writeOutbox does', () => {
    const packer = new OutboxRowPacker();
    packer.add('t', 'k', null, { [MessageHeaders.messageId]: 'id-1', detail: 'a\u0000b' });
    const [row] = packer.take();
    expect(decodeOutboxBatch(row.packed)[0].headers.detail).toBe('a\uFFFDb');
  });

  it('refuses a message without a message id', () => {
    expect(() => new OutboxRowPacker().add('t', 'k', null, { other: 'x' })).toThrow(/message id/);
  });
});
