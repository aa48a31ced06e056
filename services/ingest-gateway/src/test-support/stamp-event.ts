import type { RawEventInput } from '@tessera/contracts';
import { toRawEventParts, type BatchDefaults } from '../tracking/segment-event-mapper';

/**
 * A Segment call as the RawEvent the gateway produces, with every value serialised (no request body to take bytes
 * from): the reference the encoder's byte-for-byte path is checked against.
 */
export function stampEvent(
  item: Record<string, unknown>,
  type: string,
  sourceId: string,
  receivedAt: number,
  defaults?: BatchDefaults,
): { key: string; value: RawEventInput } {
  const { key, parts } = toRawEventParts(item, type, sourceId, receivedAt, defaults, null);
  return { key, value: parts.value };
}
