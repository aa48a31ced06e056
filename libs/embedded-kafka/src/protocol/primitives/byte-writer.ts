import { ChunkedBuffer } from './chunked-buffer';

const ZERO_UUID = Buffer.alloc(16);

/** Kafka's primitive types, big-endian, over a ChunkedBuffer. */
export class ByteWriter extends ChunkedBuffer {
  writeInt8(value: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(value, this.pos);
    return this;
  }

  writeBool(value: boolean): this {
    return this.writeInt8(value ? 1 : 0);
  }

  // int16/int32 are the bulk of every message: plain byte stores skip Buffer's per-call range checks.
  writeInt16(value: number): this {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = value >>> 8;
    b[p + 1] = value;
    this.pos = p + 2;
    return this;
  }

  writeUInt16(value: number): this {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(value, this.pos);
    return this;
  }

  writeInt32(value: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = value >>> 24;
    b[p + 1] = value >>> 16;
    b[p + 2] = value >>> 8;
    b[p + 3] = value;
    this.pos = p + 4;
    return this;
  }

  writeUInt32(value: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(value, this.pos);
    return this;
  }

  writeInt64(value: bigint): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(value, this.pos);
    return this;
  }

  writeFloat64(value: number): this {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(value, this.pos);
    return this;
  }

  /** Unsigned LEB128 of a 32-bit value (Kafka's UNSIGNED_VARINT). */
  writeUnsignedVarInt(value: number): this {
    this.ensure(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Zigzag-encoded signed 32-bit varint (Kafka's VARINT). */
  writeVarInt(value: number): this {
    return this.writeUnsignedVarInt(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Zigzag-encoded signed 64-bit varint (Kafka's VARLONG). */
  writeVarLong(value: bigint): this {
    this.ensure(10);
    let v = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  writeUuid(value: Buffer | null | undefined): this {
    const bytes = value ?? ZERO_UUID;
    if (bytes.length !== 16) throw new RangeError(`uuid must be 16 bytes, got ${bytes.length}`);
    return this.writeRaw(bytes);
  }

  /** STRING / NULLABLE_STRING: int16 length (-1 = null) then UTF-8. */
  writeString(value: string | null): this {
    if (value === null) return this.writeInt16(-1);
    const len = Buffer.byteLength(value, 'utf8');
    if (len > 0x7fff) throw new RangeError(`string of ${len} bytes does not fit an int16 length`);
    this.writeInt16(len);
    return this.writeUtf8(value, len);
  }

  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: unsigned varint length+1 (0 = null) then UTF-8. */
  writeCompactString(value: string | null): this {
    if (value === null) return this.writeUnsignedVarInt(0);
    const len = Buffer.byteLength(value, 'utf8');
    this.writeUnsignedVarInt(len + 1);
    return this.writeUtf8(value, len);
  }

  private writeUtf8(value: string, len: number): this {
    this.ensure(len);
    this.pos += this.buf.write(value, this.pos, len, 'utf8');
    return this;
  }

  /** BYTES / NULLABLE_BYTES (and non-flexible RECORDS): int32 length (-1 = null). */
  writeBytes(value: Buffer | null): this {
    if (value === null) return this.writeInt32(-1);
    this.writeInt32(value.length);
    return this.writeRaw(value);
  }

  /** COMPACT_BYTES / COMPACT_NULLABLE_BYTES (and COMPACT_RECORDS). */
  writeCompactBytes(value: Buffer | null): this {
    if (value === null) return this.writeUnsignedVarInt(0);
    this.writeUnsignedVarInt(value.length + 1);
    return this.writeRaw(value);
  }

  /** ARRAY length: int32 (-1 = null). */
  writeArrayLength(length: number | null): this {
    return this.writeInt32(length === null ? -1 : length);
  }

  /** COMPACT_ARRAY length: unsigned varint length+1 (0 = null). */
  writeCompactArrayLength(length: number | null): this {
    return this.writeUnsignedVarInt(length === null ? 0 : length + 1);
  }
}
