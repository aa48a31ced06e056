import { DispatcherHarness } from '../test-support/dispatcher-harness';

/**
 * The worker polls only once a minute here: a destination created after it started must still get its first
 * delivery at once, because the consumer's wake-up builds the destination's lane instead of waiting for the poll.
 */
describe('first delivery to a new destination (embedded broker, real Postgres, real webhook adapter)', () => {
  const h = new DispatcherHarness();
  const POLL_MS = 60_000;
  beforeAll(() => h.start('activation_first_delivery', { pollMs: POLL_MS }), 90_000);
  afterAll(() => h.stop());

  it('is sent without waiting for the next poll', async () => {
    await h.webhook('late-hook');
    await h.sync('late-sync', 'late', 'late-hook', 'add_remove');
    await h.profile('f1', {});
    const sent = Date.now();
    await h.membership('late', 'f1', 'entered');
    await h.waitForLog('f1', ['late-sync add delivered'], POLL_MS / 4);
    const call = h.receiver.calls.find((c) => c.body.items.some((i) => i.profileId === 'f1'));
    console.log(
      `membership -> receiver for a destination created after start, pollMs ${POLL_MS}: ${(call?.receivedAt ?? Infinity) - sent} ms`,
    );
    expect((call?.receivedAt ?? Infinity) - sent).toBeLessThan(POLL_MS / 4);
  });
});
