import { parseIsoTimestamp } from '@tessera/contracts';
import { objectKeyProblem, SEGMENT_CALL_TYPES, textKeyProblem, type TextKeyProblem } from './segment-event-mapper';

const CALL_TYPES: ReadonlySet<string> = new Set(SEGMENT_CALL_TYPES);

/**
 * Why a call can never be processed, if it cannot: a key that must be text is an object, a key that must be an
 * object (properties, traits, context, integrations) is not, an unknown type, nobody to attribute it to (no userId
 * and no anonymousId), a track without an event name, an alias without previousId, a group without groupId, a clock
 * value that is not an ISO-8601 date-time. Segment answers 200 to these and drops
 * them; the gateway answers 400, since no setting or replay could make validation accept them. Otherwise only absence
 * is judged here: whether a present value is usable (a blocked placeholder such as "anonymous", a NUL byte) depends
 * on validation's rules, so those calls are accepted and dead-lettered there, where they can be replayed. `type` is
 * the endpoint's for /v1/track and the like.
 */
export function callProblem(call: Record<string, unknown>, type: string, where = ''): TextKeyProblem | undefined {
  const shapeProblem = textKeyProblem(call, where) ?? objectKeyProblem(call, where);
  if (shapeProblem) return shapeProblem;
  if (!CALL_TYPES.has(type)) {
    const got = call.type === undefined ? 'none' : JSON.stringify(type);
    return { path: `${where}/type`, message: `"type" must be one of ${SEGMENT_CALL_TYPES.join(', ')}; got ${got}` };
  }
  if (!present(call.userId) && !present(call.anonymousId)) {
    return { path: `${where}/userId`, message: 'a call needs a userId or an anonymousId' };
  }
  if (type === 'track' && !present(call.event)) return { path: `${where}/event`, message: 'a track call needs a non-empty event name' };
  if (type === 'alias' && !present(call.previousId)) return { path: `${where}/previousId`, message: 'an alias call needs a previousId' };
  if (type === 'group' && !present(call.groupId)) return { path: `${where}/groupId`, message: 'a group call needs a groupId' };
  return clockProblem(call, CLOCK_KEYS, where);
}

const CLOCK_KEYS = ['timestamp', 'originalTimestamp', 'sentAt'] as const;

/** The first clock value among `keys` that validation could never read, as a 400's detail. */
export function clockProblem(call: Record<string, unknown>, keys: readonly string[], where = ''): TextKeyProblem | undefined {
  for (const key of keys) {
    const problem = unreadableClock(call[key]);
    if (problem) return { path: `${where}/${key}`, message: `"${key}" ${problem}` };
  }
  return undefined;
}

/**
 * Why validation could never read this clock value (its clock-skew step parses with the same function), if it
 * could not. Blank counts as absent there, so it does here. Objects are textKeyProblem's to refuse.
 */
export function unreadableClock(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (text.trim() === '' || parseIsoTimestamp(text) !== undefined) return undefined;
  return `must be an ISO-8601 date-time such as 2026-12-06T10:50:00.000Z; got ${JSON.stringify(typeof value === 'string' ? text.slice(0, 60) : value)}`;
}

/** Text with something besides blanks, or a number or boolean (sent on as its string). */
function present(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  return typeof value === 'number' || typeof value === 'boolean';
}
