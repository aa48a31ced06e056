import { TOPIC_SPECS, Topics } from '@tessera/contracts';
import { createTestTopics, eventually, startTestBroker, TopicCollector, type TestBroker } from '@tessera/testing';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { FAST_DELIVERY_SETTINGS } from '../test-support/delivery-test.module';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

/** Every attempt of a membership delivery goes out on cdp.activation.deliveries (through the outbox). */
describe('delivery events (embedded broker + Postgres, real HTTP destination)', () => {
  const h = new DeliveryHarness();
  let broker: TestBroker;
  let receiver: ScriptedReceiver;
  let collector: TopicCollector;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    receiver = await ScriptedReceiver.start();
    await h.start('act_events', FAST_DELIVERY_SETTINGS, broker.brokers);
    collector = new TopicCollector(broker.brokers, [Topics.ActivationDeliveries]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await collector?.stop();
    await h.stop();
    await receiver?.close();
    await broker?.stop();
  });

  it('publishes retrying, delivered and failed attempts of enters and exits, keyed by profile; upserts have none', async () => {
    receiver.respond('/events', (req, n) =>
      req.items.some((i) => i.action === 'remove') ? { status: 400 } : n === 0 ? { status: 503 } : { status: 200 },
    );
    await h.destination('d-events', { url: receiver.url('/events'), batchSize: 1, concurrency: 1 });
    const [enter] = await h.enqueue('d-events', [{ profileId: 'p1', action: 'add' }]);
    await h.waitForStatus([enter], 'delivered');
    const [exit, upsert] = await h.enqueue('d-events', [
      { profileId: 'p2', action: 'remove' },
      { profileId: 'p3', action: 'upsert' },
    ]);
    await h.waitForStatus([exit], 'failed');
    await h.waitForStatus([upsert], 'delivered');

    const events = await eventually(
      async () => {
        const all = collector.all(Topics.ActivationDeliveries);
        return all.length >= 3 ? all : undefined;
      },
      20_000,
      'three delivery events',
    );
    expect(events.map((e) => [e.key, e.value.deliveryId, e.value.change, e.value.status, e.value.attempt, e.value.httpStatus])).toEqual([
      ['p1', enter, 'entered', 'retrying', 1, 503],
      ['p1', enter, 'entered', 'delivered', 2, 200],
      ['p2', exit, 'exited', 'failed', 1, 400],
    ]);
    expect(events[0].value).toMatchObject({ destinationId: 'd-events', segmentId: 'seg' });
    expect(events[2].value.error).toMatch(/^rejected by the destination \(HTTP 400\)/);
    expect(events.every((e) => e.value.durationMs !== null && e.value.durationMs >= 0)).toBe(true);
  });
});
