import { hash } from 'node:crypto';
import { identifierKey, type Identifier } from '../resolution/identifier';

/**
 * 64-bit advisory-lock keys. Identifiers and profiles live in separate namespaces (the prefix), and every
 * acquisition sorts its keys ascending, so two transactions never wait on each other in a cycle.
 */
export function identifierLockKey(identifier: Identifier): bigint {
  return hash64(`identifier\u0000${identifierKey(identifier)}`);
}

export function profileLockKey(profileId: string): bigint {
  return hash64(`profile\u0000${profileId}`);
}

export function sortedDistinct(keys: Iterable<bigint>): bigint[] {
  return [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The first 8 bytes of SHA-256; the one-shot hash gives createHash's bytes without a Hash object per key. */
function hash64(text: string): bigint {
  return hash('sha256', text, 'buffer').readBigInt64BE(0);
}
