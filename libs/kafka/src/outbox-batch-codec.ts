import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { utf8Length, writeUtf8 } from './utf8-text';

/** One message of a packed outbox row, as the relay publishes it. Header values are UTF-8 strings. */
export interface PackedMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

const FORMAT_VERSION = 1;
/** The first byte of a stored row that is a packed row deflated (its own first byte is FORMAT_VERSION). */
const DEFLATED = 2;
/**
 * With `deflate`, rows from this size on are stored deflated. Postgres keeps a row of up to about 2 kB inline; a
 * larger one goes to TOAST in chunks of about 2 kB, each a heap tuple, an index entry and a WAL record, which cost the
 * inserting backend more than deflating costs this process. A smaller row would save nothing for the call's fixed cost.
 */
const DEFLATE_MIN_BYTES = 2_000;
const NULL_LENGTH = -1;
/**
 * In place of a topic's, header name's or header value's length: the same string as in that place of the row's
 * previous message. A packed row's topic and most of its headers repeat from one message to the next, and
 * copying each in again was most of the packer's work per message and a fifth of the bytes it deflated.
 */
const SAME_U16 = 0xffff;
const SAME_I32 = -2;
/** Messages per packed row: bounded so one row stays a modest, evenly sized unit of relay work. */
export const MAX_MESSAGES_PER_PACKED_ROW = 500;

/** A packed outbox row made ahead of its transaction and its message count. */
export interface PackedOutboxRow {
  /** The packed row, as decodeOutboxBatch reads it and the outbox memory keeps it. */
  packed: Buffer;
  /** What the table stores: `packed`, or with `deflate` from DEFLATE_MIN_BYTES on, DEFLATED and `packed` deflated. */
  stored: Buffer;
  count: number;
}

/**
 * Many outbox messages in one bytea: version byte, u32 count, then per message a u16-length topic, i32-length
 * key and value (-1 = null) and u16 header count with u16-length names and i32-length values; a topic, name or value
 * equal to the previous message's in the same place is written as its length marker alone (SAME_U16, SAME_I32).
 * One packed row
 * per lane per transaction replaces a row per message: the table, its two indexes and the relay's DELETE see
 * a row per few hundred messages, and the bytes travel as one binary parameter instead of a hex-escaped array.
 *
 * The packer writes each message straight into that format as it is added, sealing a row every
 * MAX_MESSAGES_PER_PACKED_ROW messages. `writeOutbox` packs its messages with it at the insert; a writer that makes
 * thousands of messages before its transaction (a connector checkpoint) packs them as they are made, so each
 * message's key, value and headers are copied in at once and can die young, where a list of message objects kept
 * alive until the insert is copied by every scavenge on the way to the old generation.
 */
export class OutboxRowPacker {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private at = 5;
  private count = 0;
  private rows: PackedOutboxRow[] = [];
  private total = 0;
  /** The previous message's strings by place (topic, then each header's name and value), and how many it had. */
  private previous: string[] = [];
  private previousPlaces = 0;
  private places = 0;

  /**
   * `deflate`: store rows of DEFLATE_MIN_BYTES or more deflated. For writers of bulk rows (a connector checkpoint's
   * 500 records a row): their Postgres cost is the TOAST chunks. A consumer's rows in a pipeline hop are stored plain:
   * deflating them cost the hop latency at 1,000 events/s and saved no CPU (docs/benchmarks.md).
   */
  constructor(private readonly options: { deflate?: boolean } = {}) {}

  /** Messages added since the last `take`. */
  get size(): number {
    return this.total;
  }

  add(topic: string, key: Uint8Array | string | null, value: Uint8Array | null, headers: Readonly<Record<string, string>>): void {
    this.places = 0;
    this.place(topic, 2);
    if (typeof key === 'string') this.text(key, 4);
    else this.bytes(key);
    this.bytes(value);
    const countAt = this.at;
    this.ensure(2);
    this.at += 2;
    let count = 0;
    // for...in: no array of names per message; the count is written once they are.
    for (const name in headers) {
      this.place(name, 2);
      this.place(headers[name], 4);
      count++;
    }
    this.buffer.writeUInt16BE(count, countAt);
    this.previousPlaces = this.places;
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
    const packed = Buffer.from(this.buffer.subarray(0, this.at));
    this.rows.push({ packed, stored: this.options.deflate ? storedOutboxRow(packed) : packed, count: this.count });
    this.at = 5;
    this.count = 0;
    this.previousPlaces = 0;
  }

  /** A topic, header name or header value: the marker alone when the previous message had the same one here. */
  private place(value: string, lengthBytes: 2 | 4): void {
    const place = this.places++;
    if (place < this.previousPlaces && this.previous[place] === value) {
      this.ensure(lengthBytes);
      this.at = lengthBytes === 2 ? this.buffer.writeUInt16BE(SAME_U16, this.at) : this.buffer.writeInt32BE(SAME_I32, this.at);
      return;
    }
    this.previous[place] = value;
    // Header values free of U+0000 (a DLQ detail quoting bad input may hold one): readers keep headers in Postgres
    // text or jsonb (validation's rejections), and both refuse it.
    this.text(lengthBytes === 4 && value.includes('\u0000') ? value.replace(/\u0000/g, '\uFFFD') : value, lengthBytes);
  }

  private text(value: string, lengthBytes: 2 | 4): void {
    const length = utf8Length(value);
    if (lengthBytes === 2 && length >= SAME_U16) throw new RangeError(`OutboxRowPacker: a topic or header name of ${length} bytes`);
    this.ensure(lengthBytes + length);
    if (lengthBytes === 2) this.buffer.writeUInt16BE(length, this.at);
    else this.buffer.writeInt32BE(length, this.at);
    this.at = writeUtf8(this.buffer, this.at + lengthBytes, value, length);
  }

  private bytes(value: Uint8Array | null): void {
    this.ensure(4 + (value?.length ?? 0));
    this.at = this.buffer.writeInt32BE(value === null ? NULL_LENGTH : value.length, this.at);
    if (value === null) return;
    this.buffer.set(value, this.at);
    this.at += value.length;
  }

  private ensure(more: number): void {
    if (this.at + more <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(this.at + more)));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/**
 * Level 1: the rows are mostly repeats (topic, header names, Avro field layout), which the fastest level already
 * finds (docs/benchmarks.md, "Connectors: packed outbox rows deflated").
 */
function storedOutboxRow(packed: Buffer): Buffer {
  if (packed.length < DEFLATE_MIN_BYTES) return packed;
  const deflated = deflateRawSync(packed, { level: constants.Z_BEST_SPEED });
  const stored = Buffer.allocUnsafe(1 + deflated.length);
  stored[0] = DEFLATED;
  deflated.copy(stored, 1);
  return stored;
}

/** The messages of a packed row, or of a stored one (PackedOutboxRow). */
export function decodeOutboxBatch(row: Buffer): PackedMessage[] {
  const packed = row[0] === DEFLATED ? inflateRawSync(row.subarray(1)) : row;
  if (packed.readUInt8(0) !== FORMAT_VERSION) throw new Error(`unknown packed outbox format ${packed.readUInt8(0)}`);
  let at = 5;
  // The strings by place, of this message and (from `slot` on) of the previous one, which a marker refers to: the
  // same string object again, not a decoded copy.
  const slotText: string[] = [];
  let slot = 0;
  let previousSlots = 0;
  const text = (length: number, same: number): string => {
    if (length === same) {
      if (slot >= previousSlots) throw new Error('packed outbox row: a repeated string with nothing before it');
      return slotText[slot++];
    }
    const decoded = packed.toString('utf8', at, (at += length));
    slotText[slot++] = decoded;
    return decoded;
  };
  const nullable = (): Buffer | null => {
    const length = packed.readInt32BE(at);
    at += 4;
    if (length === NULL_LENGTH) return null;
    // A view, not a copy: the row's buffer is the relay's own (node-postgres allocates it per row), and it is
    // released with the messages once the producer has sent them.
    return packed.subarray(at, (at += length));
  };
  const out: PackedMessage[] = [];
  for (let n = packed.readUInt32BE(1); n > 0; n--) {
    previousSlots = slot;
    slot = 0;
    const topic = text(packed.readUInt16BE((at += 2) - 2), SAME_U16);
    const key = nullable();
    const value = nullable();
    const headers: Record<string, string> = {};
    for (let h = packed.readUInt16BE((at += 2) - 2); h > 0; h--) {
      const name = text(packed.readUInt16BE((at += 2) - 2), SAME_U16);
      const length = packed.readInt32BE(at);
      at += 4;
      const value = text(length, SAME_I32);
      // Defined, not assigned, so a header named `__proto__` stays a header instead of a prototype.
      if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
      else headers[name] = value;
    }
    out.push({ topic, key, value, headers });
  }
  return out;
}
