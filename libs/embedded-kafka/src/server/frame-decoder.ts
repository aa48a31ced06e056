/** Outcome of feeding bytes: whole frames (without their size prefix), or the reason the stream is unusable. */
export type FrameResult = { frames: Buffer[] } | { frames: Buffer[]; error: string };

/**
 * Splits a TCP byte stream into Kafka frames (4-byte big-endian size, then the request). Chunks are kept in a list
 * and joined once per frame, so a large produce arriving in many chunks is copied once, not once per chunk.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): FrameResult {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.maxFrameBytes) {
        return { frames, error: `request frame of ${size} bytes exceeds the limit of ${this.maxFrameBytes} (socket.request.max.bytes)` };
      }
      if (size < 8) return { frames, error: `request frame of ${size} bytes is too small for a request header` };
      if (this.buffered < 4 + size) break;
      frames.push(this.take(4 + size).subarray(4));
    }
    return { frames };
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 4));
    this.chunks = [Buffer.concat(this.chunks)];
    return head.readInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const frame = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return frame;
  }
}
