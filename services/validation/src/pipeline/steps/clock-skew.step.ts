import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, Step } from '../pipeline-types';
import { aboutEvent } from './about';
import { parseIsoTimestamp } from './timestamps';

/**
 * UTC timestamps with Segment's clock-skew correction. A device clock may be hours off, but the gap between the
 * event and the moment the SDK sent it (both on that clock) is right, and receivedAt is the server's clock:
 *   timestamp = receivedAt - (sentAt - originalTimestamp)
 * Without sentAt the client's timestamp is taken as is; without any client timestamp, receivedAt.
 */
export function clockSkewStep(): Step<EventDraft> {
  return (draft) => {
    const raw = draft.raw;
    const parsed: Record<'timestamp' | 'originalTimestamp' | 'sentAt', number | null> = { timestamp: null, originalTimestamp: null, sentAt: null };
    for (const field of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
      const text = raw[field];
      if (text === null || text.trim() === '') continue;
      const value = parseIsoTimestamp(text);
      if (value === undefined) return dlq('invalid_timestamp', `${field} "${text.slice(0, 60)}" is not an ISO-8601 date-time`, field, aboutEvent(raw));
      parsed[field] = value;
    }
    const original = parsed.originalTimestamp ?? parsed.timestamp;
    draft.originalTimestamp = original;
    draft.sentAt = parsed.sentAt;
    if (original !== null && parsed.sentAt !== null) draft.timestamp = raw.receivedAt - (parsed.sentAt - original);
    else draft.timestamp = original ?? raw.receivedAt;
    return ok(draft);
  };
}
