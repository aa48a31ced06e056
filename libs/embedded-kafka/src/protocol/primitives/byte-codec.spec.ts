import { MalformedRequestError } from '../malformed-request.error';
import { ByteReader } from './byte-reader';
import { ByteWriter } from './byte-writer';

const written = (fn: (w: ByteWriter) => void) => {
  const w = new ByteWriter(16);
  fn(w);
  return w.toBuffer().toString('hex');
};

describe('varints (Kafka / protobuf zigzag)', () => {
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [-64, '7f'],
    [64, '8001'],
    [300, 'd804'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ])('varint %i <-> %s', (value, bytes) => {
    expect(written((w) => w.writeVarInt(value))).toBe(bytes);
    expect(new ByteReader(Buffer.from(bytes, 'hex')).readVarInt()).toBe(value);
  });

  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16384, '808001'],
    [4294967295, 'ffffffff0f'],
  ])('unsigned varint %i <-> %s', (value, bytes) => {
    expect(written((w) => w.writeUnsignedVarInt(value))).toBe(bytes);
    expect(new ByteReader(Buffer.from(bytes, 'hex')).readUnsignedVarInt()).toBe(value);
  });

  it.each([
    [0n, '00'],
    [-1n, '01'],
    [1n, '02'],
    [1700000000000n, '80a0abfef962'],
    [9223372036854775807n, 'feffffffffffffffff01'],
    [-9223372036854775808n, 'ffffffffffffffffff01'],
  ])('varlong %s <-> %s', (value, bytes) => {
    expect(written((w) => w.writeVarLong(value))).toBe(bytes);
    expect(new ByteReader(Buffer.from(bytes, 'hex')).readVarLong()).toBe(value);
  });
});

describe('ByteWriter', () => {
  it('grows geometrically across many fields and large blobs', () => {
    const w = new ByteWriter(16);
    const blob = Buffer.alloc(100_000, 7);
    for (let i = 0; i < 1000; i++) w.writeInt32(i);
    w.writeBytes(blob);
    const r = new ByteReader(w.toBuffer());
    for (let i = 0; i < 1000; i++) expect(r.readInt32()).toBe(i);
    expect(r.readBytes(false)?.equals(blob)).toBe(true);
    expect(r.remaining).toBe(0);
  });

  it('writes every fixed-width type big-endian', () => {
    const hex = written((w) =>
      w
        .writeInt8(-2)
        .writeBool(true)
        .writeInt16(-3)
        .writeUInt16(65535)
        .writeInt32(-4)
        .writeUInt32(4294967295)
        .writeInt64(-5n)
        .writeFloat64(1.5),
    );
    expect(hex).toBe('fe01fffdfffffffffffcfffffffffffffffffffffffb3ff8000000000000');
    const r = new ByteReader(Buffer.from(hex, 'hex'));
    expect([
      r.readInt8(),
      r.readBool(),
      r.readInt16(),
      r.readUInt16(),
      r.readInt32(),
      r.readUInt32(),
      r.readInt64(),
      r.readFloat64(),
    ]).toEqual([-2, true, -3, 65535, -4, 4294967295, -5n, 1.5]);
  });

  it('writes classic and compact strings, bytes and arrays with their null markers', () => {
    expect(written((w) => w.writeString('hé').writeString(null))).toBe('000368c3a9ffff');
    expect(written((w) => w.writeCompactString('hé').writeCompactString(null).writeCompactString(''))).toBe('0468c3a90001');
    expect(written((w) => w.writeBytes(Buffer.from([1])).writeBytes(null))).toBe('0000000101ffffffff');
    expect(written((w) => w.writeCompactBytes(Buffer.from([1])).writeCompactBytes(null))).toBe('020100');
    expect(written((w) => w.writeArrayLength(2).writeArrayLength(null).writeCompactArrayLength(2).writeCompactArrayLength(null))).toBe(
      '00000002ffffffff0300',
    );
  });

  it('writes uuids as 16 raw bytes, zero when missing', () => {
    expect(written((w) => w.writeUuid(null))).toBe('00'.repeat(16));
    expect(() => new ByteWriter().writeUuid(Buffer.alloc(3))).toThrow(RangeError);
  });

  it('patches a reserved size prefix', () => {
    const w = new ByteWriter(4);
    const at = w.reserve(4);
    w.writeInt16(1);
    w.patchInt32(at, w.length - 4);
    expect(w.toBuffer().toString('hex')).toBe('000000020001');
  });
});

describe('ByteReader', () => {
  it('reads classic and compact strings and bytes, with nulls only where allowed', () => {
    const r = new ByteReader(Buffer.from('000368c3a9ffff0468c3a900', 'hex'));
    expect([r.readString(false), r.readString(true), r.readCompactString(false), r.readCompactString(true)]).toEqual([
      'hé',
      null,
      'hé',
      null,
    ]);
    expect(() => new ByteReader(Buffer.from('ffff', 'hex')).readString(false)).toThrow(MalformedRequestError);
    expect(() => new ByteReader(Buffer.from('00', 'hex')).readCompactBytes(false)).toThrow(MalformedRequestError);
  });

  it('returns byte fields as views of the frame (zero copy) and uuids as copies', () => {
    const frame = Buffer.from('00000002abcd' + '11'.repeat(16), 'hex');
    const r = new ByteReader(frame);
    const bytes = r.readBytes(false) as Buffer;
    expect(bytes.buffer).toBe(frame.buffer);
    const uuid = r.readUuid();
    frame.fill(0);
    expect(uuid).toEqual(Buffer.alloc(16, 0x11));
  });

  it('never reads past its end', () => {
    const r = new ByteReader(Buffer.from('0001020304', 'hex'), 1, 3);
    expect(r.readInt16()).toBe(0x0102);
    expect(() => r.readInt8()).toThrow(MalformedRequestError);
  });
});

describe('ByteWriter chunks', () => {
  it('keeps large blobs by reference and joins them once on toBuffer', () => {
    const blob = Buffer.alloc(20_000, 9);
    const w = new ByteWriter(16);
    const size = w.reserve(4);
    w.writeInt16(7).writeRaw(blob).writeInt16(8);
    w.patchInt32(size, w.length - 4);
    const chunks = w.toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(blob);
    const joined = w.toBuffer();
    expect(joined.length).toBe(4 + 2 + 20_000 + 2);
    expect(joined.readInt32BE(0)).toBe(20_004);
    expect(Buffer.concat(chunks).equals(joined)).toBe(true);
  });

  it('starts a new backing buffer when full without losing a reserved slot', () => {
    const w = new ByteWriter(16);
    const size = w.reserve(4);
    for (let i = 0; i < 100; i++) w.writeInt32(i);
    w.patchInt32(size, 400);
    const out = w.toBuffer();
    expect(out.length).toBe(404);
    expect(out.readInt32BE(0)).toBe(400);
    expect(out.readInt32BE(400)).toBe(99);
  });
});
