/**
 * A byte-for-byte replacement for kafkajs 2.2.4's record encoder (`protocol/recordBatch/record/v0`).
 *
 * WHY: kafkajs encodes each record with a fresh zero-filled 512-byte buffer, grows it past 512 bytes, allocates
 * one more per header and one `Buffer.from([...])` per varint, then copies it all again. On the gateway's
 * /v1/batch path that was the largest single CPU cost. This encoder sizes each record exactly and writes it into
 * one pooled buffer. Anything it does not expect (a huge timestamp delta, a null header value...) goes to the
 * original encoder, so the output and the errors stay those of kafkajs.
 */

interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, unknown>;
}

/** What kafkajs's `Encoder.writeEncoderArray` reads from each encoded record. */
class EncodedRecord {
  constructor(readonly buf: Buffer) {}

  get buffer(): Buffer {
    return this.buf;
  }
}

type RecordEncoder = (record: RecordInput) => unknown;

/** Zigzag values this encoder handles as 32-bit arithmetic, like kafkajs's writeVarInt. */
const INT30 = 2 ** 30;

function zigZag(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

function sizeOfUVarInt(value: number): number {
  let bytes = 1;
  while (value > 0x7f) {
    bytes += 1;
    value >>>= 7;
  }
  return bytes;
}

function writeUVarInt(buf: Buffer, offset: number, value: number): number {
  while (value > 0x7f) {
    buf[offset++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[offset++] = value;
  return offset;
}

/** Byte length of a kafkajs "bytes" field, or -1 for null; undefined when the fast path does not apply. */
function bytesLength(value: unknown): number | undefined {
  if (value === null || value === undefined) return -1;
  if (Buffer.isBuffer(value)) return value.length;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  return undefined;
}

function sizeOfBytes(length: number): number {
  return length < 0 ? 1 : sizeOfUVarInt(zigZag(length)) + length;
}

function writeBytes(buf: Buffer, offset: number, value: unknown, length: number): number {
  offset = writeUVarInt(buf, offset, zigZag(length));
  if (length <= 0) return offset;
  if (Buffer.isBuffer(value)) return offset + value.copy(buf, offset);
  return offset + buf.write(value as string, offset, length, 'utf8');
}

function isSmallInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > -INT30 && value < INT30;
}

/** Wraps kafkajs's own record encoder: the fast path for the usual records, the original for the rest. */
export function fastRecordEncoder(original: RecordEncoder): RecordEncoder {
  return (record) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = record;
    const keyLength = bytesLength(key);
    const valueLength = bytesLength(value);
    if (!isSmallInt(offsetDelta) || !isSmallInt(timestampDelta) || keyLength === undefined || valueLength === undefined) {
      return original(record);
    }
    const headerKeys = Object.keys(headers);
    const headerLengths: number[] = [];
    let headersSize = 0;
    for (const headerKey of headerKeys) {
      const headerValue = headers[headerKey];
      // Arrays (repeated headers) and null values: rare, left to kafkajs.
      if (headerValue === null || headerValue === undefined || Array.isArray(headerValue)) return original(record);
      const headerValueLength = bytesLength(headerValue);
      if (headerValueLength === undefined) return original(record);
      const headerKeyLength = Buffer.byteLength(headerKey, 'utf8');
      headerLengths.push(headerKeyLength, headerValueLength);
      headersSize += sizeOfBytes(headerKeyLength) + sizeOfBytes(headerValueLength);
    }
    const timestampZigZag = zigZag(timestampDelta);
    const offsetZigZag = zigZag(offsetDelta);
    const bodySize =
      1 + sizeOfUVarInt(timestampZigZag) + sizeOfUVarInt(offsetZigZag) + sizeOfBytes(keyLength) + sizeOfBytes(valueLength)
      + sizeOfUVarInt(zigZag(headerKeys.length)) + headersSize;
    const lengthZigZag = zigZag(bodySize);
    const buf = Buffer.allocUnsafe(sizeOfUVarInt(lengthZigZag) + bodySize);
    let offset = writeUVarInt(buf, 0, lengthZigZag);
    buf[offset++] = 0; // attributes: none per record
    offset = writeUVarInt(buf, offset, timestampZigZag);
    offset = writeUVarInt(buf, offset, offsetZigZag);
    offset = writeBytes(buf, offset, key, keyLength);
    offset = writeBytes(buf, offset, value, valueLength);
    offset = writeUVarInt(buf, offset, zigZag(headerKeys.length));
    headerKeys.forEach((headerKey, i) => {
      offset = writeBytes(buf, offset, headerKey, headerLengths[2 * i]);
      offset = writeBytes(buf, offset, headers[headerKey], headerLengths[2 * i + 1]);
    });
    return new EncodedRecord(buf);
  };
}
