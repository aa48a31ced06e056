import { dlq, ok } from '@tessera/kafka';
import type { EventDraft, Step } from '../pipeline-types';
import { aboutEvent } from './about';
import { parseIsoTimestamp } from '@tessera/contracts';

/**
 * UTC timestamps with Segment's clock-skew correction. A device clock may be hours off, but the gap between the
 * event and the moment the SDK sent it (both on that clock) is right, and receivedAt is the server's clock:
 *   timestamp = receivedAt - (sentAt - originalTimestamp)
 * Without sentAt the client's timestamp is taken as is; without any client timestamp, receivedAt.
 * An event time still more than `maxFutureSkewMs` ahead of receivedAt is a broken clock, not the future: it is
 * replaced by receivedAt (and flagged), or one bad device would pin a trait forever and set lastSeen to 2099.
 */
export function clockSkewStep(): Step<EventDraft> {
  return (draft, env) => {
    const raw = draft.raw;
    const parsed: Record<'timestamp' | 'originalTimestamp' | 'sentAt', number | null> = {
      timestamp: null,
      originalTimestamp: null,
      sentAt: null,
    };
    for (const field of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
      const text = raw[field];
      if (text === null || text.trim() === '') continue;
      const value = parseIsoTimestamp(text);
      if (value === undefined)
        return dlq('invalid_timestamp', `${field} "${text.slice(0, 60)}" is not a valid ISO-8601 date-time`, field, aboutEvent(raw));
      parsed[field] = value;
    }
    const original = parsed.originalTimestamp ?? parsed.timestamp;
    draft.originalTimestamp = original;
    draft.sentAt = parsed.sentAt;
    if (original !== null && parsed.sentAt !== null) draft.timestamp = raw.receivedAt - (parsed.sentAt - original);
    else draft.timestamp = original ?? raw.receivedAt;
    if (draft.timestamp - raw.receivedAt > env.maxFutureSkewMs) {
      const field = parsed.originalTimestamp !== null ? 'originalTimestamp' : 'timestamp';
      draft.violations.push({
        reason: 'future_timestamp',
        detail: `event time ${new Date(draft.timestamp).toISOString()} is more than ${env.maxFutureSkewMs / 1000} s after receipt; replaced by receivedAt`,
        path: field,
      });
      draft.timestamp = raw.receivedAt;
      env.observations.futureTimestampsReplaced += 1;
    }
    return ok(draft);
  };
}

/** A record's observedAt: the same bound, without a violation list to put it in (counted in the report only). */
export function boundedObservedAt(observedAt: number, receivedAt: number, maxFutureSkewMs: number): { value: number; replaced: boolean } {
  return observedAt - receivedAt > maxFutureSkewMs ? { value: receivedAt, replaced: true } : { value: observedAt, replaced: false };
}
