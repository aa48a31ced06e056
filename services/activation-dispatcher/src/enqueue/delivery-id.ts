import { createHash } from 'node:crypto';

/**
 * The idempotency key of a delivery: a hash of what caused it (sync, the input message's identity, action), so a
 * redelivered input, a replayed slice or a retried request derives the same key and its insert does nothing.
 */
export function deliveryId(parts: ReadonlyArray<string | number>): string {
  return `dlv_${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32)}`;
}
