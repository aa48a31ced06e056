import { eventually } from '@tessera/testing';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Json } from '../test-support/scenario-client';
import { acceptedKeysByDelivery, webhookItems, type FakeRequest, type WebhookItem } from '../test-support/destination-fake';
import type { ActivationScenario } from '../test-support/activation-scenario';
import { CLOCK_MARGIN_MS, evaluatorApi } from '../test-support/evaluator-api';

const DAY_MS = 86_400_000;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Activation delivered: the whole running pipeline (gateway, validation, resolver, merger, segment evaluator and the
 * activation dispatcher with libs/destinations' real catalog, as processes on the embedded broker and Postgres),
 * configured through the public admin APIs only, delivering to real local HTTP servers.
 */
export function activationDeliveryScenarios({ client, send, url, evaluator, dispatcher, fake, created }: ActivationScenario): void {
  const { profileSegments } = evaluatorApi(() => url('segment-evaluator'));
  const webhook = (id: string, path: string, settings: Json = {}) =>
    created(dispatcher, '/v1/destinations', {
      id,
      name: id,
      kind: 'webhook',
      config: { url: fake.url(path) },
      secrets: { signingSecret: SECRET },
      ...settings,
    });
  /** A segment of the people identified with `traits.scenario = <id>`, synced add/remove to the destinations. */
  const audience = async (segmentId: string, destinationIds: string[]) => {
    await created(evaluator, '/v1/segments', {
      id: segmentId,
      name: segmentId,
      rule: { trait: 'traits.scenario', op: 'eq', value: segmentId },
    });
    for (const destinationId of destinationIds)
      await created(dispatcher, '/v1/syncs', {
        id: `${segmentId}-${destinationId}`,
        segmentId,
        destinationId,
        mode: 'add_remove',
        mapping: { customer: 'identifier.user_id' },
      });
  };
  const join = async (userId: string, scenario: string, extra: Json = {}): Promise<string> => {
    await send('identify', { userId, traits: { scenario }, timestamp: new Date().toISOString(), ...extra });
    return (await client.waitForProfile('user_id', userId, (p) => p.traits.scenario === scenario)).profileId;
  };
  /** The first request at `path` carrying an item that matches. */
  const receipt = (
    path: string,
    match: (item: WebhookItem) => boolean,
    what: string,
    timeoutMs = 60_000,
  ): Promise<{ request: FakeRequest; item: WebhookItem }> =>
    eventually(
      async () => {
        for (const request of fake.requests(path)) {
          const item = webhookItems(request).find(match);
          if (item) return { request, item };
        }
        return undefined;
      },
      timeoutMs,
      what,
    );
  const deliveriesOf = (profileId: string, ready: (oldestFirst: Json[]) => boolean, what: string): Promise<Json[]> =>
    eventually(
      async () => {
        const answer = await dispatcher('GET', `/v1/profiles/${encodeURIComponent(profileId)}/deliveries`);
        const oldestFirst = answer.status === 200 ? [...answer.body.deliveries].reverse() : [];
        return ready(oldestFirst) ? oldestFirst : undefined;
      },
      60_000,
      what,
    );

  it("seed 002's churn case: the webhook receives the time-driven enter and, on renewal, the remove, both signed the Standard Webhooks way", async () => {
    await webhook('churn-hook', '/churn');
    await created(evaluator, '/v1/segments', {
      id: 'contract-ending',
      name: 'Contract ends within 30 days and renewal not confirmed',
      rule: {
        all: [
          { trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 },
          { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' },
        ],
      },
    });
    await created(dispatcher, '/v1/syncs', {
      id: 'churn-sync',
      segmentId: 'contract-ending',
      destinationId: 'churn-hook',
      mode: 'add_remove',
      mapping: { contract_end: 'traits.contract_end_date', customer: 'identifier.user_id' },
    });
    const billing = await client.createSource('billing');
    const mapping = { CustomerNo: 'user_id' };
    // 30 days and the margin away: outside the segment when the record lands, inside it when the margin has passed, with no new record
    const end = new Date(Date.now() + 30 * DAY_MS + CLOCK_MARGIN_MS).toISOString();
    const record = (renewal: string) => ({
      recordId: 'sub-1',
      objectType: 'subscription',
      observedAt: new Date().toISOString(),
      attributes: { CustomerNo: 'u-churn', contract_end_date: end, renewal_status: renewal },
    });
    await client.sendRecords(billing.writeKey, { mapping, records: [record('pending')] });
    const { profileId } = await client.waitForProfile('user_id', 'u-churn', (p) => p.traits.renewal_status === 'pending');
    expect((await profileSegments(profileId, () => true, 'the evaluator to see the profile')).memberships).toEqual([]);

    const enter = await receipt('/churn', (i) => i.profileId === profileId && i.action === 'add', 'the enter at the webhook');
    expect(Date.parse(end) - 30 * DAY_MS).toBeLessThanOrEqual(enter.request.at); // time made the change, not the record
    const verified = new Webhook(SECRET).verify(enter.request.body, enter.request.headers as Record<string, string>) as Json;
    expect(verified.items).toEqual([
      expect.objectContaining({
        profileId,
        action: 'add',
        segmentId: 'contract-ending',
        syncId: 'churn-sync',
        fields: { contract_end: end, customer: 'u-churn' },
      }),
    ]);
    expect(enter.request.headers['idempotency-key']).toBe(enter.request.headers['webhook-id']);
    expect(() =>
      new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(
        enter.request.body,
        enter.request.headers as Record<string, string>,
      ),
    ).toThrow();

    await client.sendRecords(billing.writeKey, { mapping, records: [record('confirmed')] });
    const exit = await receipt('/churn', (i) => i.profileId === profileId && i.action === 'remove', 'the remove at the webhook');
    expect(() => new Webhook(SECRET).verify(exit.request.body, exit.request.headers as Record<string, string>)).not.toThrow();
    const log = await deliveriesOf(
      profileId,
      (d) => d.length === 2 && d.every((x: Json) => x.status === 'delivered'),
      'both delivered in the log',
    );
    expect(log.map((d: Json) => `${d.action} ${d.status}`)).toEqual(['add delivered', 'remove delivered']);
    expect(log.map((d: Json) => d.deliveryId)).toEqual([enter.item.deliveryId, exit.item.deliveryId]);
  }, 120_000);

  it('retries: 500 three times, then 200: delivered once, under one idempotency key on all four attempts', async () => {
    fake.respond('/flaky', (_r, n) => (n < 3 ? { status: 500, body: { error: 'boom' } } : { status: 200 }));
    await webhook('flaky-hook', '/flaky');
    await audience('retries', ['flaky-hook']);
    const profileId = await join('u-retry', 'retries');

    const [delivery] = await deliveriesOf(profileId, (d) => d.length === 1 && d[0].status === 'delivered', 'the delivery delivered');
    const requests = fake.requests('/flaky');
    expect(requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(requests.flatMap((r) => webhookItems(r).map((i) => i.deliveryId))).toEqual(Array(4).fill(delivery.deliveryId));
    expect(delivery.attempts.map((a: Json) => `${a.outcome} ${a.httpStatus}`)).toEqual([
      'retry 500',
      'retry 500',
      'retry 500',
      'delivered 200',
    ]);
    expect([...acceptedKeysByDelivery(requests).values()].map((keys) => keys.size)).toEqual([1]);
  }, 120_000);

  it('isolation: while one destination hangs, deliveries to another keep their normal latency', async () => {
    let hanging = false;
    fake.respond('/hang', () => (hanging ? 'hang' : { status: 200 }));
    await created(dispatcher, '/v1/destinations', {
      id: 'hang-hook',
      name: 'hang',
      kind: 'webhook',
      config: { url: fake.url('/hang'), timeoutMs: 10_000 },
      secrets: { signingSecret: SECRET },
      concurrency: 2,
    });
    await webhook('steady-hook', '/steady');
    await audience('isolation', ['hang-hook', 'steady-hook']);
    /** From the delivery row's creation (the dispatcher enqueued it) to the steady receiver getting it, per person. */
    const latencies = async (people: string[]): Promise<number[]> => {
      const ids = await Promise.all(
        people.map((u, i) => new Promise<void>((r) => setTimeout(r, i * 150)).then(() => join(u, 'isolation'))),
      );
      const result: number[] = [];
      for (const profileId of ids) {
        const [row] = await deliveriesOf(
          profileId,
          (d) => d.some((x: Json) => x.destination.id === 'steady-hook' && x.status === 'delivered'),
          `${profileId} delivered to the steady destination`,
        ).then((d) => d.filter((x: Json) => x.destination.id === 'steady-hook'));
        const { request } = await receipt('/steady', (i) => i.deliveryId === row.deliveryId, 'its receipt');
        result.push(request.at - Date.parse(row.createdAt));
      }
      return result.sort((a, b) => a - b);
    };
    const people = (phase: string) => Array.from({ length: 8 }, (_, i) => `u-iso-${phase}-${i}`);

    const normal = await latencies(people('before'));
    hanging = true;
    const duringHang = await latencies(people('during'));
    const open = fake.requests('/hang').filter((r) => r.status === undefined);
    console.log(
      `isolation: steady destination latency (enqueued -> received), ms: normal p50 ${normal[4]} max ${normal[7]}; while the other hangs p50 ${duringHang[4]} max ${duringHang[7]} (${open.length} requests hanging)`,
    );
    expect(open.length).toBeGreaterThan(0);
    // a lane blocked behind the hanging one would wait for its 10 s attempt timeout
    expect(duringHang[7]).toBeLessThan(5_000);
    expect(duringHang[4]).toBeLessThan(Math.max(2_000, 5 * normal[4]));
    const hung = (await dispatcher('GET', '/v1/destinations/hang-hook/status')).body;
    expect(hung.queue.inFlight + hung.queue.depth).toBeGreaterThan(0);
  }, 180_000);

  it('consent: an opt-out before the send sends nothing, and the log shows the suppression and its reason', async () => {
    await webhook('consent-hook', '/consent', { requiredConsent: ['marketing'] });
    await audience('consent', ['consent-hook']);
    const consent = (marketing: boolean) => ({ context: { consent: { categoryPreferences: { Marketing: marketing } } } });
    const optOut = await join('u-optout', 'consent', consent(false));
    const optIn = await join('u-optin', 'consent', consent(true));

    await receipt('/consent', (i) => i.profileId === optIn && i.action === 'add', "the opted-in person's add");
    const [suppressed] = await deliveriesOf(optOut, (d) => d.length === 1, 'the suppressed add in the log');
    expect(suppressed).toMatchObject({
      destination: { id: 'consent-hook' },
      action: 'add',
      status: 'suppressed',
      reason: 'consent marketing denied',
      attempts: [],
    });
    // the row is final (suppressed, no attempt), and nothing about the opted-out person reached the destination
    expect(
      fake
        .requests('/consent')
        .flatMap(webhookItems)
        .filter((i) => i.profileId === optOut),
    ).toEqual([]);
  }, 120_000);
}
