const REQUEST_QUEUE_MODULE = 'kafkajs/src/network/requestQueue';

/** Marks the patched prototype, so installing twice is harmless. */
const FIXED = Symbol.for('tessera.kafkajs-request-queue-timer');

interface RequestQueuePrototype {
  pending: unknown[];
  scheduleCheckPendingRequests(this: RequestQueuePrototype): void;
  [FIXED]?: true;
}

/**
 * kafkajs 2.2.4's RequestQueue (one per broker connection) re-arms its pending-requests timer after every check,
 * even when nothing is pending: the delay is then `throttledUntil - now`, negative, which Node runs as 1 ms, and
 * the check re-arms it again. So every connection of every client spins a 1 ms timer for as long as it lives
 * (kafkajs#1556; the fix, PR #1667, was never released): an idle service woke its event loop about 1,500 times a
 * second and burnt 4 % of a core doing nothing, and a busy one paid the same on top of its work.
 *
 * Not for speed alone, and not a rewrite: the timer is armed only while requests wait (client-side throttling or
 * the in-flight limit), with kafkajs's own delay. Without pending requests there is nothing for it to do: push()
 * arms it when it queues a request, and every answer checks the queue anyway. Patched on the prototype, so it
 * holds for connections made before the install too.
 */
export function fixRequestQueueTimer(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped kafkajs internal, patched in place
  const RequestQueue = require(REQUEST_QUEUE_MODULE) as { prototype: RequestQueuePrototype };
  const proto = RequestQueue.prototype;
  if (proto[FIXED]) return true;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function scheduleWhilePending(this: RequestQueuePrototype) {
    if (this.pending.length > 0) schedule.call(this);
  };
  proto[FIXED] = true;
  return true;
}
