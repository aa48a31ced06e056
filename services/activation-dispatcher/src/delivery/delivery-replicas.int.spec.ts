import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { deliveryTestModule } from '../test-support/delivery-test.module';
import { ScriptedReceiver } from '../test-support/scripted-receiver';

async function sentBy(service: RunningService): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('tessera_activation_dispatcher_deliveries_sent_total{') && l.includes('destination="d-shared"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Two replicas on one schema share a destination's queue: each batch is claimed and sent by one of them, once. */
describe('delivery with two replicas (embedded Postgres, real HTTP destination)', () => {
  const h = new DeliveryHarness();
  let second: RunningService;
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    await h.start('act_replicas');
    second = await startServiceForTest(deliveryTestModule(), 'activation-dispatcher', {
      databaseUrl: h.schema.url,
      schema: h.schema.schema,
      kafkaBrokers: '127.0.0.1:9',
    });
  });

  afterAll(async () => {
    await second?.close();
    await h.stop();
    await receiver?.close();
  });

  it('sends every batch once, from one replica or the other, in order per profile', async () => {
    receiver.respond('/shared', () => ({ status: 200, delayMs: 5 + Math.random() * 20 }));
    await h.destination('d-shared', { url: receiver.url('/shared'), batchSize: 5, concurrency: 2 });
    const queued = Array.from({ length: 5 }, () => Array.from({ length: 60 }, (_, p) => ({ profileId: `p${p}` }))).flat();
    const ids = await h.enqueue('d-shared', queued);
    await h.waitForStatus(ids, 'delivered', 60_000);

    const requests = receiver.requests('/shared');
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(requests.length); // no batch sent twice
    const seen = requests.flatMap((r) => r.items.map((i) => i.deliveryId));
    expect(seen.length).toBe(ids.length);
    expect(new Set(seen).size).toBe(ids.length);
    for (let p = 0; p < 60; p++) {
      const expected = ids.filter((_, i) => queued[i].profileId === `p${p}`);
      expect(seen.filter((id) => expected.includes(id))).toEqual(expected);
    }
    const [first, other] = [await sentBy(h.service), await sentBy(second)];
    console.log(`delivery replicas: ${first} and ${other} deliveries sent by each replica`);
    expect(first + other).toBe(ids.length);
    expect(first).toBeGreaterThan(0);
    expect(other).toBeGreaterThan(0);
  });
});
