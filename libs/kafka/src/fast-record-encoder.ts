import { utf8Length, writeUtf8 } from './utf8-text';

/**
 * The records of fast-produce-request.ts: the bytes of kafkajs 2.2.4's record encoder
 * (`protocol/recordBatch/record/v0`), sized exactly and written straight into the request.
 *
 * WHY: kafkajs encodes each record with a fresh zero-filled 512-byte buffer, grows it past 512 bytes, allocates
 * one more per header and one `Buffer.from([...])` per varint, then copies it all again. On the gateway's
 * /v1/batch path that was the largest single CPU cost. Anything this does not expect (a huge timestamp delta, a
 * null header value...) is left to kafkajs's own encoder, so the output and the errors stay those of kafkajs.
 */

export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, unknown>;
}

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
  if (typeof value === 'string') return utf8Length(value);
  return undefined;
}

function sizeOfBytes(length: number): number {
  return length < 0 ? 1 : sizeOfUVarInt(zigZag(length)) + length;
}

function writeBytes(buf: Buffer, offset: number, value: unknown, length: number): number {
  offset = writeUVarInt(buf, offset, zigZag(length));
  if (length <= 0) return offset;
  if (Buffer.isBuffer(value)) {
    // TypedArray#set: a plain memcpy, without Buffer#copy's argument handling.
    buf.set(value, offset);
    return offset + length;
  }
  return writeUtf8(buf, offset, value as string, length);
}

function isSmallInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > -INT30 && value < INT30;
}

/** Everything writeRecord needs that sizing a record already computed. */
export interface RecordPlan {
  /** Bytes the whole record takes, its length prefix included. */
  readonly size: number;
  readonly lengthZigZag: number;
  readonly timestampZigZag: number;
  readonly offsetZigZag: number;
  readonly keyLength: number;
  readonly valueLength: number;
  readonly headerKeys: string[];
  readonly headerLengths: number[];
}

/** Sizes a record for the fast path, or answers undefined when kafkajs's own encoder must take it. */
export function planRecord(record: RecordInput): RecordPlan | undefined {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = record;
  const keyLength = bytesLength(key);
  const valueLength = bytesLength(value);
  if (!isSmallInt(offsetDelta) || !isSmallInt(timestampDelta) || keyLength === undefined || valueLength === undefined) return undefined;
  const headerKeys = Object.keys(headers);
  const headerLengths: number[] = [];
  let headersSize = 0;
  for (const headerKey of headerKeys) {
    const headerValue = headers[headerKey];
    // Arrays (repeated headers) and null values: rare, left to kafkajs.
    if (headerValue === null || headerValue === undefined || Array.isArray(headerValue)) return undefined;
    const headerValueLength = bytesLength(headerValue);
    if (headerValueLength === undefined) return undefined;
    const headerKeyLength = utf8Length(headerKey);
    headerLengths.push(headerKeyLength, headerValueLength);
    headersSize += sizeOfBytes(headerKeyLength) + sizeOfBytes(headerValueLength);
  }
  const timestampZigZag = zigZag(timestampDelta);
  const offsetZigZag = zigZag(offsetDelta);
  const bodySize =
    1 +
    sizeOfUVarInt(timestampZigZag) +
    sizeOfUVarInt(offsetZigZag) +
    sizeOfBytes(keyLength) +
    sizeOfBytes(valueLength) +
    sizeOfUVarInt(zigZag(headerKeys.length)) +
    headersSize;
  const lengthZigZag = zigZag(bodySize);
  const size = sizeOfUVarInt(lengthZigZag) + bodySize;
  return { size, lengthZigZag, timestampZigZag, offsetZigZag, keyLength, valueLength, headerKeys, headerLengths };
}

/** Writes a planned record at `offset` of `buf` (which has plan.size bytes free there); returns the end offset. */
export function writeRecord(buf: Buffer, offset: number, record: RecordInput, plan: RecordPlan): number {
  const headers = record.headers ?? {};
  offset = writeUVarInt(buf, offset, plan.lengthZigZag);
  buf[offset++] = 0; // attributes: none per record
  offset = writeUVarInt(buf, offset, plan.timestampZigZag);
  offset = writeUVarInt(buf, offset, plan.offsetZigZag);
  offset = writeBytes(buf, offset, record.key, plan.keyLength);
  offset = writeBytes(buf, offset, record.value, plan.valueLength);
  offset = writeUVarInt(buf, offset, zigZag(plan.headerKeys.length));
  for (let i = 0; i < plan.headerKeys.length; i++) {
    const headerKey = plan.headerKeys[i];
    offset = writeBytes(buf, offset, headerKey, plan.headerLengths[2 * i]);
    offset = writeBytes(buf, offset, headers[headerKey], plan.headerLengths[2 * i + 1]);
  }
  return offset;
}
