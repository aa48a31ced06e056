import { utf8Length, writeUtf8 } from './utf8-text';

/** One message of a packed outbox row, as the relay publishes it. Header values are UTF-8 strings. */
export interface PackedMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

const FORMAT_VERSION = 1;
const NULL_LENGTH = -1;

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

export function decodeOutboxBatch(packed: Buffer): PackedMessage[] {
  if (packed.readUInt8(0) !== FORMAT_VERSION) throw new Error(`unknown packed outbox format ${packed.readUInt8(0)}`);
  let at = 5;
  const text = (length: number) => packed.toString('utf8', at, (at += length));
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
    const topic = text(packed.readUInt16BE((at += 2) - 2));
    const key = nullable();
    const value = nullable();
    const entries: Array<[string, string]> = [];
    for (let h = packed.readUInt16BE((at += 2) - 2); h > 0; h--) {
      const name = text(packed.readUInt16BE((at += 2) - 2));
      const length = packed.readInt32BE(at);
      at += 4;
      entries.push([name, text(length)]);
    }
    // fromEntries defines own properties, so a header named `__proto__` stays a header instead of a prototype.
    out.push({ topic, key, value, headers: Object.fromEntries(entries) });
  }
  return out;
}
