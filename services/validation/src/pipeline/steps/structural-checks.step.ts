import type { EventType, RawEvent, TrackingPlanViolationInput } from '@tessera/contracts';
import { dlq, ok, type StepResult } from '@tessera/kafka';
import type { EventDraft, StepEnvironment } from '../pipeline-types';
import { aboutEvent } from './about';
import { isBlockedIdentifier, presentIdentifier } from './blocked-identifiers';
import { EVENT_IDENTIFIER_FIELDS, repairRawEvent } from './raw-text-repair';
import { repairedTextViolation } from './text-repair';

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>(['track', 'identify', 'page', 'screen', 'group', 'alias']);
const IDENTIFIER_FIELDS = EVENT_IDENTIFIER_FIELDS;
type IdentifierField = (typeof IDENTIFIER_FIELDS)[number];

/**
 * The Segment-spec shape: a known call type, someone to attribute it to (userId or anonymousId), an event name on
 * track calls, and the ids alias and group need. Placeholder identifier values ("anonymous", "null", "0"...) are
 * removed, not fatal: `{userId: "bob", anonymousId: "anonymous"}` is still Bob's event. Each removal is a
 * violation on the valid event and a count in the report; the event is refused only when no usable id remains.
 * Text Postgres cannot store is repaired first (text-repair.ts), except a NUL in an identifier, which is refused.
 * Turns the raw event into a draft, whose `raw` is the repaired copy.
 */
export function structuralChecksStep(): (raw: RawEvent, env: StepEnvironment) => StepResult<EventDraft> {
  return (input, env) => {
    const repairedRaw = repairRawEvent(input);
    const raw = repairedRaw.raw;
    const about = aboutEvent(raw);
    if (repairedRaw.nulIdentifier)
      return dlq('invalid_identifier', `${repairedRaw.nulIdentifier} contains a NUL byte`, repairedRaw.nulIdentifier, about);
    if (!EVENT_TYPES.has(raw.type)) {
      return dlq('unknown_type', `type "${raw.type}" is not one of ${[...EVENT_TYPES].join(', ')}`, 'type', about);
    }
    const type = raw.type as EventType;
    const violations: TrackingPlanViolationInput[] = repairedRaw.repaired.map((path) => repairedTextViolation(path, 1));
    env.observations.textsRepaired += repairedRaw.repaired.length;
    const ids = {} as Record<IdentifierField, string | null>;
    for (const field of IDENTIFIER_FIELDS) {
      const value = presentIdentifier(raw[field]);
      ids[field] = value !== null && isBlockedIdentifier(value) ? null : value;
      if (value !== null && ids[field] === null) {
        violations.push({
          reason: 'blocked_identifier',
          detail: `${field} "${value.slice(0, 100)}" is a blocked placeholder value; removed`,
          path: field,
        });
        env.observations.blockedIdentifiersRemoved += 1;
      }
    }
    if (ids.userId === null && ids.anonymousId === null) {
      const removed = violations.filter((v) => v.reason === 'blocked_identifier' && (v.path === 'userId' || v.path === 'anonymousId'));
      const detail =
        removed.length > 0
          ? `no usable userId or anonymousId: ${removed.map((v) => v.detail).join('; ')}`
          : 'either userId or anonymousId is required';
      return dlq('missing_identity', detail, removed[0]?.path ?? 'userId', about);
    }
    const event = raw.event?.trim() ? raw.event : null;
    if (type === 'track' && event === null) return dlq('missing_event_name', 'a track call needs a non-empty event name', 'event', about);
    if (type === 'alias' && ids.previousId === null) {
      return dlq(
        'missing_identity',
        raw.previousId?.trim()
          ? `an alias call needs a usable previousId; "${raw.previousId.slice(0, 100)}" is blocked`
          : 'an alias call needs previousId',
        'previousId',
        about,
      );
    }
    if (type === 'group' && ids.groupId === null) {
      return dlq(
        'missing_identity',
        raw.groupId?.trim()
          ? `a group call needs a usable groupId; "${raw.groupId.slice(0, 100)}" is blocked`
          : 'a group call needs groupId',
        'groupId',
        about,
      );
    }
    return ok({
      raw,
      type,
      userId: ids.userId,
      anonymousId: ids.anonymousId,
      previousId: ids.previousId,
      groupId: ids.groupId,
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
      violations,
    });
  };
}
