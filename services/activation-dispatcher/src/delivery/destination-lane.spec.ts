import type { DestinationAdapter, SendResult } from '@tessera/destinations';
import type { Logger } from '@tessera/observability';
import { OffsetClock } from '@tessera/service-kit';
import { Registry } from 'prom-client';
import type { Claim, ClaimedBatch, DeliveryClaimRepository } from './delivery-claim.repository';
import type { DeliveryOutcomeRepository } from './delivery-outcome.repository';
import { DEFAULT_DELIVERY_SETTINGS } from './delivery-settings';
import { DestinationLane } from './destination-lane';
import { deliveryMetrics } from './metrics';

function batch(size: number, batchId = 'b1'): ClaimedBatch {
  const ids = Array.from({ length: size }, (_, i) => `${batchId}-d${i}`);
  return {
    batchId,
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
  };
}

function claim(more: boolean, ...batches: ClaimedBatch[]): Claim {
  return { batches, more };
}

/** A lane on stub repositories whose adapter holds every send until `release` is called. */
function laneWith(claimed: Claim[]) {
  const claims = {
    calls: 0,
    /** How many batches each claim asked for. */
    asked: [] as number[],
    claim: async (_destinationId: string, _batchSize: number, _nowMs: number, _leaseMs: number, batches: number) => {
      claims.asked.push(batches);
      return claimed[claims.calls++] ?? claim(false);
    },
    release: async () => undefined,
  };
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
    const { lane, claims, sends } = laneWith([claim(false, batch(10))]);
    lane.wake();
    await until(() => sends.length === 1);
    await until(() => lane.inFlight === 1);
    // the send is still in flight and nothing woke the lane: one claim, no empty second one
    expect(claims.calls).toBe(1);
    sends[0]();
    await lane.stop(false);
  });

  it('claims again at once while the claim says more may be due, until a claim finds nothing', async () => {
    const { lane, claims, sends } = laneWith([claim(true, batch(100, 'b1')), claim(true, batch(100, 'b2'))]);
    lane.wake();
    await until(() => sends.length === 2 && claims.calls === 3);
    expect(lane.inFlight).toBe(2);
    for (const release of sends) release();
    await lane.stop(false);
  });

  it('claims again when woken while it was claiming (rows committed meanwhile)', async () => {
    const { lane, claims, sends } = laneWith([claim(false, batch(10, 'b1')), claim(false, batch(5, 'b2'))]);
    lane.wake();
    lane.wake(); // arrives while the first claim is in flight
    await until(() => sends.length === 2);
    expect(claims.calls).toBe(2);
    for (const release of sends) release();
    await lane.stop(false);
  });

  it('asks one claim for a batch per free slot and sends every batch it got at once', async () => {
    const { lane, claims, sends } = laneWith([claim(false, batch(100, 'b1'), batch(100, 'b2'), batch(100, 'b3'))]);
    lane.wake();
    await until(() => sends.length === 3);
    expect(claims.asked).toEqual([4]);
    expect(lane.inFlight).toBe(3);
    lane.wake(); // one slot left: the next claim asks for one batch
    await until(() => claims.calls === 2);
    expect(claims.asked).toEqual([4, 1]);
    for (const release of sends) release();
    await lane.stop(false);
  });
});
