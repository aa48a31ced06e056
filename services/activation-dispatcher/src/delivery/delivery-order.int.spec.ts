import { parseMetaUsersForm, sha256Hex } from '@tessera/destinations';
import { RecordingHttpServer } from '@tessera/testing';
import { DeliveryHarness } from '../test-support/delivery-harness';
import { ScriptedReceiver, type ReceivedRequest } from '../test-support/scripted-receiver';

/** The delivery ids a webhook destination took (answered 200), in the order it took them. */
function accepted(requests: ReceivedRequest[]): string[] {
  return requests.filter((r) => r.status === 200).flatMap((r) => r.items.map((i) => i.deliveryId));
}

function byProfile(ids: string[], profileOf: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of ids) out.set(profileOf.get(id) as string, [...(out.get(profileOf.get(id) as string) ?? []), id]);
  return out;
}

/** Ordering per (destination, profile), without a failing profile holding up the others, through the real adapters. */
describe('delivery order (embedded Postgres, real HTTP destinations)', () => {
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
    let a1 = '';
    let b2 = '';
    let refusals = 0;
    // A's first delivery is refused until B's last one is in: B can only get there if A's retries do not hold it up
    receiver.respond('/order', (req) => {
      if (req.items.some((i) => i.deliveryId === a1) && !accepted(receiver.requests('/order')).includes(b2)) {
        refusals += 1;
        return { status: 500 };
      }
      return { status: 200 };
    });
    // one record per call: A's first delivery fails alone
    await h.destination('d-order', { url: receiver.url('/order'), batchSize: 1 });
    const ids = await h.enqueue('d-order', [
      { profileId: 'A' },
      { profileId: 'B' },
      { profileId: 'A' },
      { profileId: 'B' },
      { profileId: 'A' },
    ]);
    a1 = ids[0];
    b2 = ids[3];
    const [, b1, a2, , a3] = ids;

    await h.waitForStatus(ids, 'delivered');
    const requests = receiver.requests('/order');
    const order = accepted(requests);
    expect(order.filter((id) => [a1, a2, a3].includes(id))).toEqual([a1, a2, a3]);
    expect(order.filter((id) => [b1, b2].includes(id))).toEqual([b1, b2]);
    expect(order.indexOf(b2)).toBeLessThan(order.indexOf(a1)); // B was not held up by A's retries
    const a1Taken = requests.findIndex((r) => r.status === 200 && r.items.some((i) => i.deliveryId === a1));
    expect(requests.slice(0, a1Taken).some((r) => r.items.some((i) => i.deliveryId === a2))).toBe(false); // a2 never went out before a1 was in
    expect(refusals).toBeGreaterThan(0);
    expect(new Set(requests.filter((r) => r.items.some((i) => i.deliveryId === a1)).map((r) => r.idempotencyKey)).size).toBe(1); // one key on every attempt
  });

  it('delivers 12 profiles x 6 changes each exactly once and in order per profile, under random 500s and partial answers (Meta: adds taken, removes refused)', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const answered = new Map<number, number>();
    // every remove call is refused the first time it is seen (so a batch mixing adds and removes is a partial answer),
    // and any call a fifth of the time
    const refusedOnce = new Set<string>();
    const graph = await new RecordingHttpServer((req, n) => {
      const firstRemove = req.method === 'DELETE' && !refusedOnce.has(req.body);
      if (firstRemove) refusedOnce.add(req.body);
      const status = random() < 0.2 || firstRemove ? 500 : 200;
      answered.set(n, status);
      return status === 500
        ? { status, body: { error: { message: 'An unknown error occurred', code: 1 } } }
        : { status, body: { num_received: 1, num_invalid_entries: 0 } };
    }).start();
    try {
      await h.destination('d-chaos', {
        kind: 'meta_audience',
        config: { audienceId: '42', baseUrl: graph.url('') },
        secrets: { accessToken: 'EAAB-test-token' },
        batchSize: 5,
        maxAttempts: 100,
      });
      // the even profiles enter and exit three times, the odd ones (members already) exit and enter three times, so
      // batches of heads mix adds (POST) and removes (DELETE) even when the claims keep the profiles in step; one call
      // failing while the other succeeds is a partial answer
      const queued = Array.from({ length: 6 }, (_, change) =>
        Array.from({ length: 12 }, (__, p) => ({
          profileId: `p${p}`,
          action: (change + p) % 2 === 0 ? ('add' as const) : ('remove' as const),
        })),
      ).flat();
      const ids = await h.enqueue('d-chaos', queued);
      const profileOf = new Map(ids.map((id, i) => [id, queued[i].profileId]));
      const byHash = new Map(ids.map((id) => [sha256Hex(`${id}@example.com`), id]));

      await h.waitForStatus(ids, 'delivered', 60_000);
      const order = graph.requests.flatMap((r, n) =>
        answered.get(n) === 200 ? parseMetaUsersForm(r.body).payload.data.map((row) => byHash.get(row[0]) as string) : [],
      );
      expect(order.length).toBe(ids.length);
      expect(new Set(order).size).toBe(ids.length);
      const expected = byProfile(ids, profileOf);
      const actual = byProfile(order, profileOf);
      for (const [profile, sequence] of expected) expect([profile, actual.get(profile)]).toEqual([profile, sequence]);
      expect([...answered.values()]).toContain(500);
      const partial = (
        await h.schema.pool.query(
          `SELECT count(*)::int AS n FROM (
           SELECT a.batch_id FROM delivery_attempts a JOIN deliveries d USING (delivery_id) WHERE d.destination_id = 'd-chaos'
            GROUP BY a.batch_id, a.started_at HAVING bool_or(a.outcome = 'retry') AND bool_or(a.outcome = 'delivered')) x`,
        )
      ).rows[0].n;
      expect(partial).toBeGreaterThan(0); // some batches delivered part and retried the rest
    } finally {
      await graph.stop();
    }
  });

  it('lets other profiles through while a profile with a long queue at the front has its first delivery retried', async () => {
    let x1 = '';
    let ys: string[] = [];
    // X's first delivery is refused until every Y is in: they can only get there if X's retries do not hold them up
    receiver.respond('/tail', (req) => {
      const taken = new Set(accepted(receiver.requests('/tail')));
      return req.items.some((i) => i.deliveryId === x1) && !ys.every((id) => taken.has(id)) ? { status: 500 } : { status: 200 };
    });
    await h.destination('d-tail', { url: receiver.url('/tail'), batchSize: 1 });
    // 50 of X's changes come first: more than the bounded head search looks at (4 x the batch size)
    const ids = await h.enqueue('d-tail', [
      ...Array.from({ length: 50 }, () => ({ profileId: 'X' })),
      ...Array.from({ length: 10 }, (_, i) => ({ profileId: `Y${i}` })),
    ]);
    x1 = ids[0];
    ys = ids.slice(50);

    await h.waitForStatus(ids, 'delivered', 30_000);
    const order = accepted(receiver.requests('/tail'));
    expect(Math.max(...ys.map((id) => order.indexOf(id)))).toBeLessThan(order.indexOf(x1)); // every Y before X's first
    expect(order.filter((id) => !ys.includes(id))).toEqual(ids.slice(0, 50)); // X in order
  });
});
