import { utf8Length, writeUtf8 } from './utf8-text';

/** One message of a packed outbox row, as the relay publishes it. Header values are UTF-8 strings. */
export interface PackedMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export const FORMAT_VERSION = 1;
export const NULL_LENGTH = -1;
/** Messages per packed row: bounded so one row stays a modest, evenly sized unit of relay work. */
export const MAX_MESSAGES_PER_PACKED_ROW = 500;

/**
 * Many outbox messages in one bytea: version byte, u32 count, then per message a u16-length topic, i32-length
 * key and value (-1 = null) and u16 header count with u16-length names and i32-length values. One packed row
 * per lane per transaction replaces a row per message: the table, its two indexes and the relay's DELETE see
 * a row per few hundred messages, and the bytes travel as one binary parameter instead of a hex-escaped array.
 */
export function encodeOutboxBatch(messages: readonly PackedMessage[]): Buffer {
  // Strings are measured, then written straight into the output: no intermediate Buffer per topic or header.
  let size = 5;
  const lengths: number[] = [];
  const measure = (text: string): number => {
    const length = utf8Length(text);
    lengths.push(length);
    return length;
  };
  for (const m of messages) {
    size += 2 + measure(m.topic) + 4 + (m.key?.length ?? 0) + 4 + (m.value?.length ?? 0) + 2;
    for (const name in m.headers) size += 2 + measure(name) + 4 + measure(m.headers[name]);
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt8(FORMAT_VERSION, 0);
  at = out.writeUInt32BE(messages.length, at);
  let measured = 0;
  const text = (value: string, lengthBytes: 2 | 4) => {
    const length = lengths[measured++];
    if (lengthBytes === 2) out.writeUInt16BE(length, at);
    else out.writeInt32BE(length, at);
    at = writeUtf8(out, at + lengthBytes, value, length);
  };
  const bytes = (b: Buffer | null) => {
    at = out.writeInt32BE(b === null ? NULL_LENGTH : b.length, at);
    if (b) {
      out.set(b, at);
      at += b.length;
    }
  };
  for (const m of messages) {
    text(m.topic, 2);
    bytes(m.key);
    bytes(m.value);
    // for...in, as measured above (no array of names per message); the count is written once they are.
    const countAt = at;
    let count = 0;
    at += 2;
    for (const name in m.headers) {
      text(name, 2);
      text(m.headers[name], 4);
      count++;
    }
    out.writeUInt16BE(count, countAt);
  }
  return out;
}

/** Longer strings are always decoded: comparing them with the previous message's would cost about as much. */
const REUSE_MAX_BYTES = 64;

export function decodeOutboxBatch(packed: Buffer): PackedMessage[] {
  if (packed.readUInt8(0) !== FORMAT_VERSION) throw new Error(`unknown packed outbox format ${packed.readUInt8(0)}`);
  let at = 5;
  // The topic, the header names and most header values repeat from one message to the next, so the previous
  // message's string in the same place is reused when its bytes are the same, instead of decoding a copy: about
  // half the decoding CPU of a row of connector records, which a relay without the row in memory pays per message.
  const slotStart: number[] = [];
  const slotLength: number[] = [];
  const slotText: string[] = [];
  let slot = 0;
  const text = (length: number): string => {
    const start = at;
    at += length;
    if (length <= REUSE_MAX_BYTES && slotLength[slot] === length) {
      const before = slotStart[slot];
      let i = 0;
      while (i < length && packed[before + i] === packed[start + i]) i++;
      if (i === length) return slotText[slot++];
    }
    const decoded = packed.toString('utf8', start, at);
    slotStart[slot] = start;
    slotLength[slot] = length;
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
    slot = 0;
    const topic = text(packed.readUInt16BE((at += 2) - 2));
    const key = nullable();
    const value = nullable();
    const headers: Record<string, string> = {};
    for (let h = packed.readUInt16BE((at += 2) - 2); h > 0; h--) {
      const name = text(packed.readUInt16BE((at += 2) - 2));
      const length = packed.readInt32BE(at);
      at += 4;
      const value = text(length);
      // Defined, not assigned, so a header named `__proto__` stays a header instead of a prototype.
      if (name === '__proto__') Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
      else headers[name] = value;
    }
    out.push({ topic, key, value, headers });
  }
  return out;
}
