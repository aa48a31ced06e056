import type { DeliveryBatch, DeliveryItem } from '../destination';

/** The JSON a webhook receives. `type` and `timestamp` follow the Standard Webhooks payload recommendation. */
export interface WebhookBody {
  type: 'tessera.deliveries';
  /** ISO-8601 time of this attempt. */
  timestamp: string;
  /** = webhook-id = Idempotency-Key: the same on every attempt of the batch. */
  batchId: string;
  destinationId: string;
  /** Each carries its own deliveryId, so a receiver can deduplicate per record too. */
  items: DeliveryItem[];
}

export function webhookBody(batch: DeliveryBatch, nowMs: number): WebhookBody {
  return {
    type: 'tessera.deliveries',
    timestamp: new Date(nowMs).toISOString(),
    batchId: batch.batchId,
    destinationId: batch.destinationId,
    items: batch.items,
  };
}
