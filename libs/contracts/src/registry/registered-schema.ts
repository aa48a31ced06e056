import type { Type } from 'avsc';

/** One schema version of one topic, parsed and fingerprinted once at start-up. */
export interface RegisteredSchema {
  readonly topic: string;
  readonly version: number;
  readonly type: Type;
  /** Parsing Canonical Form: what the fingerprint covers (no docs, defaults or aliases). */
  readonly canonicalForm: string;
  /** CRC-64-AVRO of the canonical form, 8 bytes little-endian, exactly as on the wire. */
  readonly fingerprint: Buffer;
  readonly fingerprintHex: string;
  /** Magic + fingerprint, prepended to every body written with this version. */
  readonly header: Buffer;
}
