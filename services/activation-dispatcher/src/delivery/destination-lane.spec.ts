import type { DestinationAdapter, SendResult } from '@tessera/destinations';
import type { Logger } from '@tessera/observability';
import { OffsetClock } from '@tessera/service-kit';
import { Registry } from 'prom-client';
import type { ClaimedBatch, DeliveryClaimRepository } from './delivery-claim.repository';
import type { DeliveryOutcomeRepository } from './delivery-outcome.repository';
import { DEFAULT_DELIVERY_SETTINGS } from './delivery-settings';
import { DestinationLane } from './destination-lane';
import { deliveryMetrics } from './metrics';

function batch(size: number, more: boolean): ClaimedBatch {
  const ids = Array.from({ length: size }, (_, i) => `d${i}`);
  return {
    batchId: 'b1',
    destinationId: 'dest',
    leaseToken: 't1',
    items: ids.map((deliveryId) => ({
      deliveryId,
      profileId: deliveryId,
      action: 'add',
      segmentId: 'seg',
      syncId: 'sync',
      occurredAt: new Date(0).toISOString(),
      identifiers: {},
      fields: {},
    })),
    rows: ids.map((deliveryId) => ({ deliveryId, attempt: 1, budgetAttempts: 1, ageStartMs: 0 })),
    more,
  };
}

/** A lane on stub repositories whose adapter holds every send until `release` is called. */
function laneWith(claimed: Array<ClaimedBatch | null>) {
  const claims = { calls: 0, claim: async () => claimed[claims.calls++] ?? null, release: async () => undefined };
  const sends: Array<() => void> = [];
  const adapter: DestinationAdapter = {
    kind: 'webhook',
    maxBatchSize: 100,
    send: () => new Promise<SendResult>((resolve) => sends.push(() => resolve({ outcome: 'delivered' }))),
  };
  const outcomes = { record: async () => ({ delivered: 1 }) };
  const logger = { warn: () => undefined } as unknown as Logger;
  const lane = new DestinationLane(
    {
      destinationId: 'dest',
      version: 'v1',
      concurrency: 4,
      ratePerSecond: null,
      batchSize: 100,
      limits: { maxAttempts: 20, maxAgeMs: 86_400_000 },
    },
    adapter,
    {
      claims: claims as unknown as DeliveryClaimRepository,
      outcomes: outcomes as unknown as DeliveryOutcomeRepository,
      clock: new OffsetClock(),
      settings: DEFAULT_DELIVERY_SETTINGS,
      metrics: deliveryMetrics(new Registry()),
      logger,
    },
  );
  return { lane, claims, sends };
}

async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 1_000) throw new Error('condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('DestinationLane claiming', () => {
  it('does not claim again after a new batch that took every due head (the claim said nothing more is due)', async () => {
    const { lane, claims, sends } = laneWith([batch(10, false)]);
    lane.wake();
    await until(() => sends.length === 1);
    await until(() => lane.inFlight === 1);
    // the send is still in flight and nothing woke the lane: one claim, no empty second one
    expect(claims.calls).toBe(1);
    sends[0]();
    await lane.stop(false);
  });

  it('claims again at once while the claim says more may be due, until a claim finds nothing', async () => {
    const { lane, claims, sends } = laneWith([batch(100, true), batch(100, true)]);
    lane.wake();
    await until(() => sends.length === 2 && claims.calls === 3);
    expect(lane.inFlight).toBe(2);
    for (const release of sends) release();
    await lane.stop(false);
  });

  it('claims again when woken while it was claiming (rows committed meanwhile)', async () => {
    const { lane, claims, sends } = laneWith([batch(10, false), batch(5, false)]);
    lane.wake();
    lane.wake(); // arrives while the first claim is in flight
    await until(() => sends.length === 2);
    expect(claims.calls).toBe(2);
    for (const release of sends) release();
    await lane.stop(false);
  });
});
