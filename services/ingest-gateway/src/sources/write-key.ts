import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 URL-safe characters (192 random bits), the shape of a Segment write key. */
export function generateWriteKey(): string {
  return randomBytes(24).toString('base64url');
}

export function writeKeyDigest(writeKey: string): Buffer {
  return createHash('sha256').update(writeKey, 'utf8').digest();
}

/** Constant-time comparison of two digests (both are 32 bytes, so lengths never differ). */
export function digestsEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
