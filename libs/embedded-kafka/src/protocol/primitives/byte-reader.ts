import { MalformedRequestError } from '../malformed-request.error';

/**
 * Big-endian reader over one frame. Every read is bounds-checked and throws MalformedRequestError, so a truncated
 * frame or a length that runs past the end can never read another message's bytes. Byte fields are returned as
 * views into the frame (no copy): records stay zero-copy from socket to log.
 */
export class ByteReader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      throw new MalformedRequestError(`${what} needs ${n} bytes at offset ${at} but only ${this.end - at} remain`);
    }
    this.pos = at + n;
    return at;
  }

  readInt8(): number {
    return this.buf.readInt8(this.need(1, 'int8'));
  }

  readBool(): boolean {
    return this.buf[this.need(1, 'bool')] !== 0;
  }

  readInt16(): number {
    return this.buf.readInt16BE(this.need(2, 'int16'));
  }

  readUInt16(): number {
    return this.buf.readUInt16BE(this.need(2, 'uint16'));
  }

  readInt32(): number {
    return this.buf.readInt32BE(this.need(4, 'int32'));
  }

  readUInt32(): number {
    return this.buf.readUInt32BE(this.need(4, 'uint32'));
  }

  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.need(8, 'int64'));
  }

  readFloat64(): number {
    return this.buf.readDoubleBE(this.need(8, 'float64'));
  }

  readUnsignedVarInt(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.need(1, 'varint')];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
    throw new MalformedRequestError('unsigned varint longer than 5 bytes');
  }

  readVarInt(): number {
    const raw = this.readUnsignedVarInt();
    return (raw >>> 1) ^ -(raw & 1);
  }

  readVarLong(): bigint {
    let raw = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.need(1, 'varlong')];
      raw |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
    }
    throw new MalformedRequestError('varlong longer than 10 bytes');
  }

  readRaw(n: number, what = 'bytes'): Buffer {
    const at = this.need(n, what);
    return this.buf.subarray(at, at + n);
  }

  readUuid(): Buffer {
    return Buffer.from(this.readRaw(16, 'uuid'));
  }

  /** STRING / NULLABLE_STRING. Null is only legal when the field is nullable. */
  readString(nullable: boolean): string | null {
    return this.utf8(this.readInt16(), nullable, 'string');
  }

  readCompactString(nullable: boolean): string | null {
    return this.utf8(this.readUnsignedVarInt() - 1, nullable, 'compact string');
  }

  private utf8(len: number, nullable: boolean, what: string): string | null {
    if (len === -1 && nullable) return null;
    if (len < 0) throw new MalformedRequestError(`${what} length ${len} is invalid here`);
    const at = this.need(len, what);
    return this.buf.toString('utf8', at, at + len);
  }

  readBytes(nullable: boolean): Buffer | null {
    return this.bytes(this.readInt32(), nullable, 'bytes');
  }

  readCompactBytes(nullable: boolean): Buffer | null {
    return this.bytes(this.readUnsignedVarInt() - 1, nullable, 'compact bytes');
  }

  private bytes(len: number, nullable: boolean, what: string): Buffer | null {
    if (len === -1 && nullable) return null;
    if (len < 0) throw new MalformedRequestError(`${what} length ${len} is invalid here`);
    return this.readRaw(len, what);
  }

  /** ARRAY count, or null for -1 when nullable. Rejects counts that could not fit in the remaining bytes. */
  readArrayLength(nullable: boolean): number | null {
    return this.count(this.readInt32(), nullable);
  }

  readCompactArrayLength(nullable: boolean): number | null {
    return this.count(this.readUnsignedVarInt() - 1, nullable);
  }

  private count(n: number, nullable: boolean): number | null {
    if (n === -1 && nullable) return null;
    if (n < 0) throw new MalformedRequestError(`array length ${n} is invalid here`);
    // Every element takes at least one byte, so a larger count is a lie (and must not drive a huge allocation).
    if (n > this.remaining) throw new MalformedRequestError(`array of ${n} elements cannot fit in ${this.remaining} bytes`);
    return n;
  }
}
