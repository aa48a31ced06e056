/** Blobs at least this large are referenced, not copied, when the caller asks for chunks (zero-copy writev). */
const SHARE_THRESHOLD = 8 * 1024;

/** A slot reserved for a later patch (e.g. a size prefix): the buffer and offset it lives at. */
export interface ReservedSlot {
  readonly buffer: Buffer;
  readonly offset: number;
}

/**
 * The buffer management under ByteWriter. Small writes go into a backing buffer; when it is full a new one twice as
 * large is started (nothing already written is copied), so a message costs O(log n) allocations and no per-field
 * Buffer.concat. Large blobs (record sets) are kept by reference: toChunks() hands them to socket.writev without a
 * copy, toBuffer() joins everything with a single copy.
 */
export class ChunkedBuffer {
  protected buf: Buffer;
  protected pos = 0;
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

  protected ensure(extra: number): void {
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
}
