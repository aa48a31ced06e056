import type { EventType, RawEvent } from '@tessera/contracts';
import { dlq, ok, type StepResult } from '@tessera/kafka';
import type { EventDraft } from '../pipeline-types';
import { aboutEvent } from './about';
import { isBlockedIdentifier, presentIdentifier } from './blocked-identifiers';

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(['track', 'identify', 'page', 'screen', 'group', 'alias']);

/**
 * The Segment-spec shape: a known call type, someone to attribute it to (userId or anonymousId), an event name on
 * track calls, the ids alias and group need, and no placeholder identifier values. Turns the raw event into a draft.
 */
export function structuralChecksStep(): (raw: RawEvent) => StepResult<EventDraft> {
  return (raw) => {
    const about = aboutEvent(raw);
    if (!EVENT_TYPES.has(raw.type)) {
      return dlq('unknown_type', `type "${raw.type}" is not one of ${[...EVENT_TYPES].join(', ')}`, 'type', about);
    }
    const type = raw.type as EventType;
    const userId = presentIdentifier(raw.userId);
    const anonymousId = presentIdentifier(raw.anonymousId);
    if (userId === null && anonymousId === null) {
      return dlq('missing_identity', 'either userId or anonymousId is required', 'userId', about);
    }
    const identifiers: [string, string | null][] = [
      ['userId', userId],
      ['anonymousId', anonymousId],
      ['previousId', presentIdentifier(raw.previousId)],
      ['groupId', presentIdentifier(raw.groupId)],
    ];
    for (const [path, value] of identifiers) {
      if (value !== null && isBlockedIdentifier(value)) {
        return dlq('blocked_identifier', `${path} "${value.slice(0, 100)}" is a blocked placeholder value`, path, about);
      }
    }
    const event = raw.event?.trim() ? raw.event : null;
    if (type === 'track' && event === null) return dlq('missing_event_name', 'a track call needs a non-empty event name', 'event', about);
    if (type === 'alias' && presentIdentifier(raw.previousId) === null) {
      return dlq('missing_identity', 'an alias call needs previousId', 'previousId', about);
    }
    if (type === 'group' && presentIdentifier(raw.groupId) === null) {
      return dlq('missing_identity', 'a group call needs groupId', 'groupId', about);
    }
    return ok({
      raw,
      type,
      userId,
      anonymousId,
      event,
      properties: null,
      traits: null,
      context: null,
      integrations: null,
      extra: null,
      timestamp: raw.receivedAt,
      originalTimestamp: null,
      sentAt: null,
      revenue: null,
      currency: null,
      isTest: false,
      commerce: null,
      violations: [],
    });
  };
}
