import { DeliveryHarness } from '../test-support/delivery-harness';
import { ScriptedReceiver, type ReceivedRequest } from '../test-support/scripted-receiver';

/** The delivery ids a destination took, in the order it took them (a 207 takes all but the ones it lists). */
function accepted(requests: ReceivedRequest[], refusedBy: Map<ReceivedRequest, string[]>): string[] {
  return requests.flatMap((r) => {
    if (r.status === 200) return r.items.map((i) => i.deliveryId);
    if (r.status === 207) return r.items.map((i) => i.deliveryId).filter((id) => !(refusedBy.get(r) ?? []).includes(id));
    return [];
  });
}

function byProfile(ids: string[], profileOf: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of ids) out.set(profileOf.get(id) as string, [...(out.get(profileOf.get(id) as string) ?? []), id]);
  return out;
}

/** Ordering per (destination, profile), without a failing profile holding up the others. */
describe('delivery order (embedded Postgres, real HTTP destination)', () => {
  const h = new DeliveryHarness();
  let receiver: ScriptedReceiver;

  beforeAll(async () => {
    receiver = await ScriptedReceiver.start();
    await h.start('act_order');
  });

  afterAll(async () => {
    await h.stop();
    await receiver?.close();
  });

  it("keeps a profile's deliveries in order while its first one is retried, and lets other profiles through meanwhile", async () => {
    const refusedBy = new Map<ReceivedRequest, string[]>();
    let a1 = '';
    let refusals = 0;
    receiver.respond('/order', (req) => {
      if (req.items.some((i) => i.deliveryId === a1) && refusals < 3) {
        refusals += 1;
        refusedBy.set(req, [a1]);
        return { status: 207, body: { rejected: [], retry: [a1] } };
      }
      return { status: 200 };
    });
    await h.destination('d-order', { url: receiver.url('/order') });
    const ids = await h.enqueue('d-order', [{ profileId: 'A' }, { profileId: 'B' }, { profileId: 'A' }, { profileId: 'B' }, { profileId: 'A' }]);
    a1 = ids[0];
    const [, b1, a2, b2, a3] = ids;

    await h.waitForStatus(ids, 'delivered');
    const requests = receiver.requests('/order');
    const order = accepted(requests, refusedBy);
    expect(order.filter((id) => [a1, a2, a3].includes(id))).toEqual([a1, a2, a3]);
    expect(order.filter((id) => [b1, b2].includes(id))).toEqual([b1, b2]);
    expect(order.indexOf(b2)).toBeLessThan(order.indexOf(a1)); // B was not held up by A's retries
    const a1Taken = requests.findIndex((r) => r.status === 200 && r.items.some((i) => i.deliveryId === a1));
    expect(requests.slice(0, a1Taken).some((r) => r.items.some((i) => i.deliveryId === a2))).toBe(false); // a2 never went out before a1 was in
    expect(refusals).toBe(3);
    // the retried rest of a partial batch is a new batch: a new idempotency key
    expect(new Set(requests.filter((r) => r.items.some((i) => i.deliveryId === a1)).map((r) => r.idempotencyKey)).size).toBeGreaterThan(1);
  });

  it('delivers 12 profiles x 6 changes each exactly once and in order per profile, under random 500s and partial answers', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const refusedBy = new Map<ReceivedRequest, string[]>();
    receiver.respond('/chaos', (req) => {
      const roll = random();
      if (roll < 0.15) return { status: 500 };
      if (roll < 0.3 && req.items.length > 0) {
        const retry = req.items.filter(() => random() < 0.5).map((i) => i.deliveryId);
        refusedBy.set(req, retry);
        return { status: 207, body: { rejected: [], retry } };
      }
      return { status: 200 };
    });
    await h.destination('d-chaos', { url: receiver.url('/chaos'), batchSize: 5, maxAttempts: 100 });
    const queued = Array.from({ length: 6 }, () => Array.from({ length: 12 }, (_, p) => ({ profileId: `p${p}` }))).flat();
    const ids = await h.enqueue('d-chaos', queued);
    const profileOf = new Map(ids.map((id, i) => [id, queued[i].profileId]));

    await h.waitForStatus(ids, 'delivered', 60_000);
    const order = accepted(receiver.requests('/chaos'), refusedBy);
    expect(order.length).toBe(ids.length);
    expect(new Set(order).size).toBe(ids.length);
    const expected = byProfile(ids, profileOf);
    const actual = byProfile(order, profileOf);
    for (const [profile, sequence] of expected) expect([profile, actual.get(profile)]).toEqual([profile, sequence]);
    expect(receiver.requests('/chaos').some((r) => r.status === 500)).toBe(true);
    expect(refusedBy.size).toBeGreaterThan(0);
  });

  it('lets other profiles through while a profile with a long queue at the front has its first delivery retried', async () => {
    const refusedBy = new Map<ReceivedRequest, string[]>();
    let x1 = '';
    let refusals = 0;
    receiver.respond('/tail', (req) => {
      if (req.items.some((i) => i.deliveryId === x1) && refusals < 3) {
        refusals += 1;
        refusedBy.set(req, [x1]);
        return { status: 207, body: { rejected: [], retry: [x1] } };
      }
      return { status: 200 };
    });
    await h.destination('d-tail', { url: receiver.url('/tail'), batchSize: 5 });
    // 50 of X's changes come first: more than the bounded head search looks at (4 x the batch size)
    const ids = await h.enqueue('d-tail', [...Array.from({ length: 50 }, () => ({ profileId: 'X' })), ...Array.from({ length: 10 }, (_, i) => ({ profileId: `Y${i}` }))]);
    x1 = ids[0];
    const ys = ids.slice(50);

    await h.waitForStatus(ids, 'delivered', 30_000);
    const order = accepted(receiver.requests('/tail'), refusedBy);
    expect(Math.max(...ys.map((id) => order.indexOf(id)))).toBeLessThan(order.indexOf(x1)); // every Y before X's first
    expect(order.filter((id) => !ys.includes(id))).toEqual(ids.slice(0, 50)); // X in order
  });
});
