import { Inject, Injectable } from '@nestjs/common';
import type { DeliveryItem, DestinationCatalog, SendResult } from '@tessera/destinations';
import { randomUUID } from 'node:crypto';
import { DESTINATION_CATALOG } from '../catalog/destination-catalog.token';
import { DestinationRepository } from './destination-repository';

export type TestSendReport = (SendResult | { outcome: 'error'; error: string }) & { durationMs: number; item: DeliveryItem };

const TEST_SEND_TIMEOUT_MS = 15_000;

/**
 * Sends one synthetic item through a destination's adapter, outside the delivery log and its retries, and says
 * what happened in the adapter's own terms (delivered, auth_failed with the reason, ...): a check of the config and
 * the secrets, not a delivery.
 */
@Injectable()
export class DestinationTestSendService {
  constructor(
    private readonly destinations: DestinationRepository,
    @Inject(DESTINATION_CATALOG) private readonly catalog: DestinationCatalog,
  ) {}

  async testSend(id: string): Promise<TestSendReport> {
    const spec = await this.destinations.spec(id);
    const item: DeliveryItem = {
      deliveryId: `test_${randomUUID()}`,
      profileId: 'tessera-test-profile',
      action: 'add',
      syncId: 'test-send',
      occurredAt: new Date().toISOString(),
      identifiers: { email: ['test@example.com'], phone: ['+14155550100'] },
      fields: { test: true },
    };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const adapter = this.catalog.create(spec);
      try {
        const result = await adapter.send(
          { batchId: item.deliveryId, destinationId: id, items: [item] },
          { signal: AbortSignal.timeout(TEST_SEND_TIMEOUT_MS) },
        );
        return { ...result, durationMs: elapsed(), item };
      } finally {
        await adapter.close?.();
      }
    } catch (err) {
      return { outcome: 'error', error: (err as Error).message, durationMs: elapsed(), item };
    }
  }
}
