import { itemsFrom } from '../test-support/delivery-fixtures';
import type { DeliveryItem } from '../destination';
import { AudienceOutcome, SPLIT_CALL_BUDGET, sendSplitting, type CallOutcome } from './audience-outcome';

const refuseIf =
  (bad: (i: DeliveryItem) => boolean, calls: DeliveryItem[][]) =>
  async (items: DeliveryItem[]): Promise<CallOutcome> => {
    calls.push(items);
    return items.some(bad)
      ? { kind: 'failed', result: { outcome: 'terminal', status: 400, error: 'invalid' } }
      : { kind: 'done', rejected: [], status: 200 };
  };

describe('sendSplitting', () => {
  it('finds one bad record among 10,000 in about 2 log2(n) calls', async () => {
    const items = itemsFrom(0, 10_000);
    const calls: DeliveryItem[][] = [];
    const outcome = new AudienceOutcome(items.length);
    await sendSplitting(
      items,
      refuseIf((i) => i.deliveryId === 'dlv-4321', calls),
      outcome,
    );
    expect(outcome.result()).toMatchObject({ outcome: 'partial', rejected: [{ deliveryId: 'dlv-4321', error: 'invalid' }], retry: [] });
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * 14);
  });

  it('stops splitting a refusal that is about the request once the budget is spent', async () => {
    const items = itemsFrom(0, 10_000);
    const calls: DeliveryItem[][] = [];
    const outcome = new AudienceOutcome(items.length);
    await sendSplitting(
      items,
      refuseIf(() => true, calls),
      outcome,
    );
    expect(calls.length).toBe(1 + SPLIT_CALL_BUDGET);
    const result = outcome.result();
    expect(result).toMatchObject({ outcome: 'partial', retry: [] });
    expect((result as { rejected: unknown[] }).rejected).toHaveLength(10_000);
  });

  it('does not split retries or auth failures', async () => {
    for (const failure of [
      { outcome: 'retry', error: 'busy', retryAfterMs: 5_000 },
      { outcome: 'auth_failed', error: 'destination rejected the credentials: 401' },
    ] as const) {
      let calls = 0;
      const outcome = new AudienceOutcome(4);
      await sendSplitting(
        itemsFrom(0, 4),
        async () => {
          calls++;
          return { kind: 'failed', result: failure };
        },
        outcome,
      );
      expect(calls).toBe(1);
      expect(outcome.result()).toEqual(failure);
    }
  });
});
