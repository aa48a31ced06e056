const ZERO_UUID = Buffer.alloc(16);

/** Blobs at least this large are referenced, not copied, when the caller asks for chunks (zero-copy writev). */
const SHARE_THRESHOLD = 8 * 1024;

/** A slot reserved for a later patch (e.g. a size prefix): the buffer and offset it lives at. */
export interface ReservedSlot {
  readonly buffer: Buffer;
  readonly offset: number;
}

/**
 * Growable big-endian writer. Small fields go into a backing buffer; when it is full a new one twice as large is
 * started (nothing already written is copied), so encoding costs O(log n) allocations and no per-field
 * Buffer.concat. Large blobs (record sets) are kept by reference: toChunks() hands them to socket.writev without a
 * copy, toBuffer() joins everything with a single copy.
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;
  private segmentStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.chunkBytes + this.pos - this.segmentStart;
  }

  /** The bytes written so far as one buffer (a view when nothing was chunked, else one joined copy). */
  toBuffer(): Buffer {
    if (this.chunks.length === 0) return this.buf.subarray(this.segmentStart, this.pos);
    return Buffer.concat(this.toChunks(), this.length);
  }

  /** The bytes written so far as consecutive pieces; large blobs are the caller's own buffers, not copies. */
  toChunks(): Buffer[] {
    const open = this.buf.subarray(this.segmentStart, this.pos);
    return open.length > 0 ? [...this.chunks, open] : [...this.chunks];
  }

  private closeSegment(): void {
    if (this.pos > this.segmentStart) {
      this.chunks.push(this.buf.subarray(this.segmentStart, this.pos));
      this.chunkBytes += this.pos - this.segmentStart;
    }
    this.segmentStart = this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    this.closeSegment();
    this.buf = Buffer.allocUnsafe(Math.max(this.buf.length * 2, extra));
    this.pos = 0;
    this.segmentStart = 0;
  }

  /** Reserves `n` contiguous bytes to be patched later (e.g. a size prefix). */
  reserve(n: number): ReservedSlot {
    this.ensure(n);
    const slot = { buffer: this.buf, offset: this.pos };
    this.pos += n;
    return slot;
  }

  patchInt32(slot: ReservedSlot, value: number): void {
    slot.buffer.writeInt32BE(value, slot.offset);
  }

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

  writeRaw(bytes: Buffer): this {
    if (bytes.length >= SHARE_THRESHOLD) {
      this.closeSegment();
      this.chunks.push(bytes);
      this.chunkBytes += bytes.length;
      return this;
    }
    this.ensure(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
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
