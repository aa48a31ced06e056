import { eventually } from '@tessera/testing';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { FAST_DELIVERY_SETTINGS } from '../test-support/delivery-test.module';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

/** A graceful stop aborts the sends in flight and records them, so nothing waits for a lease to run out. */
describe('delivery at shutdown (embedded Postgres, real HTTP destination)', () => {
  const h = new DeliveryHarness();
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    await h.start('act_shutdown', { ...FAST_DELIVERY_SETTINGS, attemptTimeoutMs: 30_000, leaseMs: 60_000 });
  });

  afterAll(async () => {
    await h.stop();
    await receiver?.close();
  });

  it('aborts a hanging send at close and leaves the delivery pending, unleased, with the attempt recorded', async () => {
    receiver.respond('/slow', () => 'hang');
    await h.destination('d-slow', { url: receiver.url('/slow') });
    const [id] = await h.enqueue('d-slow', [{ profileId: 'p1' }]);
    await eventually(async () => (receiver.requests('/slow').length === 1 ? true : undefined), 10_000, 'the send in flight');

    const closing = Date.now();
    await h.service.close();
    expect(Date.now() - closing).toBeLessThan(10_000); // not the 30 s attempt timeout

    const row = await h.row(id);
    expect(row).toMatchObject({
      status: 'pending',
      lease_until: null,
      lease_token: null,
      attempts: 1,
      reason: 'interrupted: the dispatcher was stopping',
    });
    expect((await h.attempts(id)).map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retry', 'interrupted: the dispatcher was stopping'],
    ]);
  });
});
