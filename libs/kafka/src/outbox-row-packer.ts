import { MessageHeaders } from './message-headers';
import { FORMAT_VERSION, MAX_MESSAGES_PER_PACKED_ROW, NULL_LENGTH } from './outbox-batch-codec';
import { utf8Length, writeUtf8 } from './utf8-text';

/** A packed outbox row made ahead of its transaction (outbox-batch-codec.ts's format) and its message count. */
export interface PackedOutboxRow {
  packed: Buffer;
  count: number;
}

/**
 * Packs outbox messages one at a time, as they are produced, into the rows `writePackedOutbox` inserts: the same
 * bytes `encodeOutboxBatch` makes of the same messages, in rows of at most MAX_MESSAGES_PER_PACKED_ROW. For a
 * writer that makes thousands of messages before its transaction (a connector checkpoint): each message's key,
 * value and headers are copied in at once and can die young, where a list of message objects kept alive until the
 * insert is copied by every scavenge on the way to the old generation. Headers must carry the message id.
 */
export class OutboxRowPacker {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private at = 5;
  private count = 0;
  private rows: PackedOutboxRow[] = [];
  private total = 0;

  /** Messages added since the last `take`. */
  get size(): number {
    return this.total;
  }

  add(topic: string, key: string | null, value: Uint8Array | null, headers: Readonly<Record<string, string>>): void {
    if (headers[MessageHeaders.messageId] === undefined) throw new Error(`OutboxRowPacker: a message to ${topic} has no message id header`);
    this.text(topic, 2);
    if (key === null) this.int32(NULL_LENGTH);
    else this.text(key, 4);
    if (value === null) this.int32(NULL_LENGTH);
    else {
      this.ensure(4 + value.length);
      this.at = this.buffer.writeInt32BE(value.length, this.at);
      this.buffer.set(value, this.at);
      this.at += value.length;
    }
    const countAt = this.at;
    this.ensure(2);
    this.at += 2;
    let count = 0;
    for (const name in headers) {
      const text = headers[name];
      this.text(name, 2);
      // As writeOutbox: header values free of U+0000 (a DLQ detail quoting bad input may hold one).
      this.text(text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text, 4);
      count++;
    }
    this.buffer.writeUInt16BE(count, countAt);
    this.total++;
    if (++this.count === MAX_MESSAGES_PER_PACKED_ROW) this.seal();
  }

  /** The rows packed since the last `take`, the last one sealed; the packer starts again empty. */
  take(): PackedOutboxRow[] {
    if (this.count > 0) this.seal();
    const rows = this.rows;
    this.rows = [];
    this.total = 0;
    return rows;
  }

  private seal(): void {
    this.buffer.writeUInt8(FORMAT_VERSION, 0);
    this.buffer.writeUInt32BE(this.count, 1);
    this.rows.push({ packed: Buffer.from(this.buffer.subarray(0, this.at)), count: this.count });
    this.at = 5;
    this.count = 0;
  }

  private text(value: string, lengthBytes: 2 | 4): void {
    const length = utf8Length(value);
    this.ensure(lengthBytes + length);
    if (lengthBytes === 2) this.buffer.writeUInt16BE(length, this.at);
    else this.buffer.writeInt32BE(length, this.at);
    this.at = writeUtf8(this.buffer, this.at + lengthBytes, value, length);
  }

  private int32(n: number): void {
    this.ensure(4);
    this.at = this.buffer.writeInt32BE(n, this.at);
  }

  private ensure(more: number): void {
    if (this.at + more <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(this.at + more)));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}
