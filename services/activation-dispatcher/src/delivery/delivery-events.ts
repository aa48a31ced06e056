import { encode, Topics, type DeliveryStatus as EventStatus } from '@tessera/contracts';
import type { DeliveryItem } from '@tessera/destinations';
import type { OutboxEntry } from '@tessera/kafka';
import type { DeliveryStatus, OutcomePlan } from './outcome-plan';

const EVENT_STATUS: Record<DeliveryStatus, EventStatus> = { delivered: 'delivered', pending: 'retrying', failed: 'failed', dead: 'failed' };
const CHANGE = { add: 'entered', remove: 'exited' } as const;

/**
 * One cdp.activation.deliveries message per attempt of each record whose outcome was applied, keyed by profile id,
 * written in the outcome's transaction (so a crash never loses or doubles one). The contract describes membership
 * changes: upserts (no enter or exit) and records without a segment have no message.
 */
export function deliveryEvents(
  destinationId: string,
  items: readonly DeliveryItem[],
  plan: OutcomePlan,
  applied: ReadonlySet<string>,
  durationMs: number,
  nowMs: number,
): OutboxEntry[] {
  const byId = new Map(items.map((i) => [i.deliveryId, i]));
  const attempts = new Map(plan.attempts.map((a) => [a.deliveryId, a]));
  const entries: OutboxEntry[] = [];
  for (const update of plan.updates) {
    const item = byId.get(update.deliveryId);
    const attempt = attempts.get(update.deliveryId);
    if (!item || !attempt || !applied.has(update.deliveryId) || item.action === 'upsert' || !item.segmentId) continue;
    entries.push({
      topic: Topics.ActivationDeliveries,
      message: {
        key: item.profileId,
        value: encode(Topics.ActivationDeliveries, {
          deliveryId: item.deliveryId,
          destinationId,
          segmentId: item.segmentId,
          profileId: item.profileId,
          change: CHANGE[item.action],
          status: EVENT_STATUS[update.status],
          attempt: attempt.attempt,
          error: update.reason ?? attempt.error,
          httpStatus: attempt.httpStatus,
          durationMs: Math.round(durationMs),
          at: nowMs,
        }),
      },
    });
  }
  return entries;
}
