/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro specification defines for schema fingerprints
 * ("Schema Fingerprints" section). avsc only offers node:crypto hashes (md5, sha256), and single-object
 * encoding requires this one, so it is implemented here from the spec's reference algorithm.
 * BigInt keeps it exact; it runs once per schema at start-up, so its speed does not matter.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK_64 = 0xffffffffffffffffn;

const FP_TABLE: readonly bigint[] = (() => {
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) {
      fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK_64);
    }
    table.push(fp);
  }
  return table;
})();

/** The unsigned 64-bit fingerprint of bytes (normally the UTF-8 Parsing Canonical Form of a schema). */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const byte of bytes) {
    fp = (fp >> 8n) ^ FP_TABLE[Number((fp ^ BigInt(byte)) & 0xffn)];
  }
  return fp;
}

/** The fingerprint as the 8 little-endian bytes that Avro single-object encoding puts after its magic. */
export function rabinFingerprintBytes(canonicalForm: string): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(rabinFingerprint64(Buffer.from(canonicalForm, 'utf8')));
  return out;
}
