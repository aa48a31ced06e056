import { ContractDecodeError } from '../errors/contract-decode.error';

/**
 * Avro single-object encoding (Avro spec, "Single-object encoding"):
 *
 *   Single object encoding := C3 01 <8-byte little-endian CRC-64-AVRO fingerprint of the writer schema> <Avro binary body>
 *
 * The fingerprint lets a reader find the writer's schema without a registry server.
 */
export const SINGLE_OBJECT_MAGIC = Buffer.from([0xc3, 0x01]);
export const FINGERPRINT_LENGTH = 8;
export const SINGLE_OBJECT_HEADER_LENGTH = SINGLE_OBJECT_MAGIC.length + FINGERPRINT_LENGTH;

export interface SingleObjectParts {
  /** The 8 fingerprint bytes as written (little-endian). */
  fingerprint: Buffer;
  body: Buffer;
}

/** The 10-byte header for a writer schema with this fingerprint; callers cache it per schema. */
export function singleObjectHeader(fingerprint: Buffer): Buffer {
  if (fingerprint.length !== FINGERPRINT_LENGTH) throw new RangeError('a CRC-64-AVRO fingerprint has 8 bytes');
  return Buffer.concat([SINGLE_OBJECT_MAGIC, fingerprint]);
}

export function frameSingleObject(header: Buffer, body: Buffer): Buffer {
  return Buffer.concat([header, body], header.length + body.length);
}

/** Splits a payload into fingerprint and body; views, no copies. */
export function parseSingleObject(bytes: Uint8Array, topic?: string): SingleObjectParts {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < SINGLE_OBJECT_MAGIC.length || buf[0] !== SINGLE_OBJECT_MAGIC[0] || buf[1] !== SINGLE_OBJECT_MAGIC[1]) {
    throw new ContractDecodeError('bad_magic', 'payload does not start with the Avro single-object magic C3 01', topic);
  }
  if (buf.length < SINGLE_OBJECT_HEADER_LENGTH) {
    throw new ContractDecodeError('truncated', `payload of ${buf.length} bytes is shorter than the 10-byte single-object header`, topic);
  }
  return {
    fingerprint: buf.subarray(SINGLE_OBJECT_MAGIC.length, SINGLE_OBJECT_HEADER_LENGTH),
    body: buf.subarray(SINGLE_OBJECT_HEADER_LENGTH),
  };
}
