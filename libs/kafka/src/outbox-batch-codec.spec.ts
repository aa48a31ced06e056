import * as fc from 'fast-check';
import { decodeOutboxBatch, MAX_MESSAGES_PER_PACKED_ROW, OutboxRowPacker, type PackedMessage } from './outbox-batch-codec';

const bytes = fc.option(
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  { nil: null },
);
/** A header every message of a row has, with a value of its own (as an id would be). */
const ID = 'message-id';
const withId = (headers: Record<string, string>) => fc.uuid().map((id) => ({ ...headers, [ID]: id }));
const message: fc.Arbitrary<PackedMessage> = fc.record({
  topic: fc.string({ minLength: 1, maxLength: 40 }),
  key: bytes,
  value: bytes,
  headers: fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 40 }), { maxKeys: 4 }).chain(withId),
});

function pack(packer: OutboxRowPacker, messages: readonly PackedMessage[]) {
  for (const m of messages) packer.add(m.topic, m.key, m.value, m.headers);
  return packer.take();
}

const roundTrip = (messages: readonly PackedMessage[]) =>
  pack(new OutboxRowPacker(), messages).flatMap((row) => decodeOutboxBatch(row.packed));

describe('packed outbox rows', () => {
  it('decode(pack(messages)) gives the messages back, in order, nulls and empty buffers kept apart', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 20 }), (messages) => {
        expect(roundTrip(messages)).toEqual(messages);
      }),
    );
  });

  it('seals a row per 500 messages, string keys written as their UTF-8 bytes, and starts empty after take', () => {
    const packer = new OutboxRowPacker();
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), fc.nat(1_200), (messages, copies) => {
        // many copies of the first message: rows are sealed at 500 messages
        const all = [...messages, ...Array<PackedMessage>(copies).fill(messages[0])];
        for (const m of all) packer.add(m.topic, m.key && m.key.toString('latin1'), m.value, m.headers);
        expect(packer.size).toBe(all.length);
        const rows = packer.take();
        expect(rows.map((r) => r.count)).toEqual(
          Array.from({ length: Math.ceil(all.length / MAX_MESSAGES_PER_PACKED_ROW) }, (_, i) =>
            Math.min(MAX_MESSAGES_PER_PACKED_ROW, all.length - i * MAX_MESSAGES_PER_PACKED_ROW),
          ),
        );
        const keys = rows.flatMap((row) => decodeOutboxBatch(row.packed)).map((m) => m.key);
        expect(keys).toEqual(all.map((m) => m.key && Buffer.from(m.key.toString('latin1'))));
        expect(packer.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('decodes strings that repeat from message to message, or differ from the previous one in a byte, exactly', () => {
    // Few distinct values of equal lengths, so most strings repeat the previous message's or differ in one byte.
    const similar = fc.constantFrom('ab', 'ac', 'bc', 'é', 'ü', 'x-1', 'x-2', '', 'a'.repeat(70), 'a'.repeat(69) + 'b');
    const repetitive: fc.Arbitrary<PackedMessage> = fc.record({
      topic: similar.filter((t) => t !== ''),
      key: bytes,
      value: bytes,
      headers: fc.dictionary(similar, similar, { maxKeys: 3 }).chain(withId),
    });
    fc.assert(
      fc.property(fc.array(repetitive, { maxLength: 30 }), (messages) => {
        expect(roundTrip(messages)).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  it('with deflate, stores a row of 2,000 bytes or more deflated and a smaller one as it is packed; without, every row as packed', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 120 }), (messages) => {
        for (const row of pack(new OutboxRowPacker({ deflate: true }), messages)) {
          if (row.packed.length < 2_000) expect(row.stored).toBe(row.packed);
          else expect(row.stored[0]).toBe(2);
          expect(decodeOutboxBatch(row.stored)).toEqual(decodeOutboxBatch(row.packed));
        }
        for (const row of pack(new OutboxRowPacker(), messages)) expect(row.stored).toBe(row.packed);
      }),
      { numRuns: 100 },
    );
    // 500 messages of varied text, ids and keys: stored in well under half the bytes.
    const varied = Array.from({ length: 500 }, (_, i) => ({
      topic: 'cdp.records.raw',
      key: Buffer.from(`src-${i * 7919}:row-${i}`),
      value: Buffer.from(`{"email":"person${(i * 104729) % 99991}@example.org","city":"${['Lyon', 'Oslo', 'Kyoto'][i % 3]}-${i}"}`),
      headers: { [ID]: `id-${(i * 2654435761) % 4294967296}` },
    }));
    const [row] = pack(new OutboxRowPacker({ deflate: true }), varied);
    expect(row.stored.length).toBeLessThan(row.packed.length / 2);
    expect(decodeOutboxBatch(row.stored)).toEqual(varied);
  });

  it('writes the format rows in the table are stored in', () => {
    const [{ packed }] = pack(new OutboxRowPacker(), [
      { topic: 't', key: Buffer.from('k'), value: null, headers: { [ID]: 'é' } },
      { topic: 't', key: null, value: Buffer.from([1]), headers: { [ID]: 'i' } },
    ]);
    expect(packed.toString('hex')).toBe(
      '0100000002' + // version, count
        '000174' +
        '000000016b' +
        'ffffffff' +
        '0001' +
        '000a6d6573736167652d6964' + // 'message-id'
        '00000002c3a9' +
        'ffff' + // the same topic as the message before
        'ffffffff' +
        '0000000101' +
        '0001' +
        'ffff' + // the same header name
        '0000000169',
    );
    // A row with every string written out (as before the markers) reads the same.
    const spelledOut = Buffer.from(
      '0100000002000174000000016bffffffff0001000a6d6573736167652d696400000002c3a9000174ffffffff00000001010001000a6d6573736167652d69640000000169',
      'hex',
    );
    expect(decodeOutboxBatch(spelledOut)).toEqual(decodeOutboxBatch(packed));
  });

  it("writes a topic, header name or header value equal to the previous message's in that place as a marker alone", () => {
    const id = (i: number) => ({ [ID]: `id-${i}` });
    const headers = (i: number) => ({ 'content-type': 'application/avro', ...id(i), schema: 'cdp.records.raw/v2' });
    const [one] = pack(new OutboxRowPacker(), [{ topic: 'cdp.records.raw', key: null, value: null, headers: headers(0) }]);
    const messages = Array.from({ length: 100 }, (_, i) => ({ topic: 'cdp.records.raw', key: null, value: null, headers: headers(i) }));
    const [row] = pack(new OutboxRowPacker(), messages);
    // Each later message: the topic's marker, null key and value, the header count, then three names as markers, two
    // values as markers and the id's value written out (4 bytes for id-1..id-9, 5 for id-10..id-99).
    const later = 2 + 4 + 4 + 2 + (2 + 4) + (2 + 4) + (2 + 4);
    expect(row.packed.length - one.packed.length).toBe(99 * later + 9 * 4 + 90 * 5);
    expect(decodeOutboxBatch(row.packed)).toEqual(messages);
    // fewer headers than the message before: the places past its own are not referred to
    const shrinking = [
      { topic: 't', key: null, value: null, headers: { ...id(1), a: 'x', b: 'y' } },
      { topic: 't', key: null, value: null, headers: id(2) },
      { topic: 't', key: null, value: null, headers: { ...id(3), a: 'x', b: 'y' } },
    ];
    expect(roundTrip(shrinking)).toEqual(shrinking);
  });

  it('refuses a repeated string with nothing before it, and a topic or header name too long for its length field', () => {
    const marker = Buffer.from('0100000001' + 'ffff' + 'ffffffff' + 'ffffffff' + '0000', 'hex');
    expect(() => decodeOutboxBatch(marker)).toThrow(/repeated string with nothing before it/);
    expect(() => new OutboxRowPacker().add('t'.repeat(0xffff), null, null, { [ID]: 'i' })).toThrow(RangeError);
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse(`{"__proto__":"x","${ID}":"id-1"}`) as Record<string, string>;
    const [decoded] = roundTrip([{ topic: 't', key: null, value: null, headers }]);
    expect(Object.entries(decoded.headers)).toEqual([
      ['__proto__', 'x'],
      [ID, 'id-1'],
    ]);
  });

  it('keeps header values free of U+0000', () => {
    const [decoded] = roundTrip([{ topic: 't', key: null, value: null, headers: { [ID]: 'id-1', detail: 'a\u0000b' } }]);
    expect(decoded.headers.detail).toBe('a\uFFFDb');
  });

  it('refuses a format it does not know rather than publishing garbage', () => {
    const [{ packed }] = pack(new OutboxRowPacker(), [{ topic: 't', key: null, value: Buffer.from('v'), headers: { [ID]: 'id-1' } }]);
    packed[0] = 9;
    expect(() => decodeOutboxBatch(packed)).toThrow('unknown packed outbox format 9');
  });
});
