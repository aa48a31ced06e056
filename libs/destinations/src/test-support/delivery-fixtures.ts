import type { DeliveryAction, DeliveryBatch, DeliveryItem } from '../destination';

export function deliveryItem(n: number, overrides: Partial<DeliveryItem> = {}): DeliveryItem {
  return {
    deliveryId: `dlv-${n}`,
    profileId: `prof-${n}`,
    action: 'add' as DeliveryAction,
    segmentId: 'seg-churn',
    syncId: 'sync-1',
    occurredAt: new Date(Date.UTC(2026, 11, 5, 12, 0, n % 60)).toISOString(),
    identifiers: { email: [`person${n}@example.com`], phone: [`+1 650 555 ${String(1000 + (n % 9000)).padStart(4, '0')}`] },
    fields: { plan: 'pro', ltv: n * 10 },
    ...overrides,
  };
}

export function deliveryBatch(batchId: string, items: DeliveryItem[], destinationId = 'dest-1'): DeliveryBatch {
  return { batchId, destinationId, items };
}

export function itemsFrom(start: number, count: number, overrides: Partial<DeliveryItem> = {}): DeliveryItem[] {
  return Array.from({ length: count }, (_, i) => deliveryItem(start + i, overrides));
}

export function noAbort(): { signal: AbortSignal } {
  return { signal: new AbortController().signal };
}
