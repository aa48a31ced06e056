import { eventually } from '@tessera/testing';
import type { Json } from './scenario-client';
import { SCENARIO_ADMIN_TOKEN, useScenarioPipeline } from './scenario-suite.spec-helper';

const DAY_MS = 86_400_000;
process.env.SEGMENTS_TIMER_POLL_MS = '100';

/**
 * Activation on the whole running pipeline (gateway, validation, resolver, merger, segment evaluator and the
 * activation dispatcher as processes on the embedded broker and Postgres), up to the dispatcher's deliveries rows.
 * Until libs/destinations' adapters are wired into main.ts, the destinations and syncs are seeded as rows in the
 * dispatcher's schema; everything else goes through the public HTTP APIs.
 */
describe('activation enqueue through the HTTP gateway on the whole running pipeline', () => {
  const { client, send, url, schema } = useScenarioPipeline({ withServices: ['segment-evaluator', 'activation-dispatcher'] });

  const call = async (service: 'segment-evaluator' | 'activation-dispatcher', method: string, path: string, body?: Json): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${url(service)}${path}`, {
      method, headers: { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const deliveriesOf = (profileId: string, ready: (deliveries: Json[]) => boolean, what: string) =>
    eventually(async () => {
      const answer = await call('activation-dispatcher', 'GET', `/v1/profiles/${encodeURIComponent(profileId)}/deliveries`);
      const oldestFirst = answer.status === 200 ? [...answer.body.deliveries].reverse() : [];
      return ready(oldestFirst) ? oldestFirst : undefined;
    }, 60_000, what);
  const seed = async (destinationId: string, requiredConsent: string[], syncId: string, segmentId: string, mapping: Record<string, string>) => {
    const pool = schema('activation-dispatcher').pool;
    await pool.query(`INSERT INTO destinations (destination_id, name, kind, config, required_consent) VALUES ($1, $1, 'webhook', '{"url":"http://127.0.0.1:9/"}', $2)`, [destinationId, requiredConsent]);
    await pool.query(`INSERT INTO syncs (sync_id, segment_id, destination_id, mode, mapping) VALUES ($1, $2, $3, 'add_remove', $4)`, [syncId, segmentId, destinationId, JSON.stringify(mapping)]);
  };

  it("seed 002's churn case: the time-driven enter is a pending add for the webhook, the renewal a pending remove", async () => {
    await seed('churn-hook', [], 'churn-sync', 'contract-ending', { contract_end: 'traits.contract_end_date', customer: 'identifier.user_id' });
    expect((await call('segment-evaluator', 'POST', '/v1/segments', {
      id: 'contract-ending', name: 'Contract ends within 30 days and renewal not confirmed',
      rule: { all: [{ trait: 'traits.contract_end_date', op: 'withinNextDays', days: 30 }, { trait: 'traits.renewal_status', op: 'neq', value: 'confirmed' }] },
    })).status).toBe(201);
    const billing = await client.createSource('billing');
    const mapping = { CustomerNo: 'user_id' };
    const end = new Date(Date.now() + 30 * DAY_MS + 15_000).toISOString();
    const record = (renewal: string) => ({ recordId: 'sub-1', objectType: 'subscription', observedAt: new Date().toISOString(), attributes: { CustomerNo: 'u-churn', contract_end_date: end, renewal_status: renewal } });
    await client.sendRecords(billing.writeKey, { mapping, records: [record('pending')] });
    const profile = await client.waitForProfile('user_id', 'u-churn', (p) => p.traits.renewal_status === 'pending');

    const [add] = await deliveriesOf(profile.profileId, (d) => d.length === 1, 'the add on the time-driven enter');
    expect(add).toMatchObject({ destination: { id: 'churn-hook' }, syncId: 'churn-sync', segmentId: 'contract-ending', action: 'add', status: 'pending' });
    expect(add.item).toMatchObject({ deliveryId: add.deliveryId, profileId: profile.profileId, action: 'add', identifiers: { user_id: ['u-churn'] }, fields: { contract_end: end, customer: 'u-churn' } });

    await client.sendRecords(billing.writeKey, { mapping, records: [record('confirmed')] });
    const log = await deliveriesOf(profile.profileId, (d) => d.length === 2, 'the remove on renewal');
    expect(log.map((d: Json) => `${d.action} ${d.status}`)).toEqual(['add pending', 'remove pending']);
  }, 120_000);

  it('consent: an opt-out before the send is logged as suppressed with its reason; a later withdrawal removes and suppresses the pending add', async () => {
    await seed('ads', ['advertising'], 'ads-sync', 'pro-plan', {});
    expect((await call('segment-evaluator', 'POST', '/v1/segments', { id: 'pro-plan', name: 'Pro plan', rule: { trait: 'traits.plan', op: 'eq', value: 'pro' } })).status).toBe(201);
    const identify = (userId: string, advertising: boolean) => send('identify', { userId, traits: { plan: 'pro' }, context: { consent: { categoryPreferences: { Advertising: advertising } } }, timestamp: new Date().toISOString() });

    await identify('u-optout', false);
    const optOut = await client.waitForProfile('user_id', 'u-optout', (p) => p.traits.plan === 'pro');
    const [suppressed] = await deliveriesOf(optOut.profileId, (d) => d.length === 1, 'the suppressed add');
    expect(suppressed).toMatchObject({ destination: { id: 'ads' }, action: 'add', status: 'suppressed', reason: 'consent advertising denied' });

    await identify('u-optin', true);
    const optIn = await client.waitForProfile('user_id', 'u-optin', (p) => p.traits.plan === 'pro');
    await deliveriesOf(optIn.profileId, (d) => d.length === 1 && d[0].status === 'pending', 'the pending add');
    await identify('u-optin', false);
    const log = await deliveriesOf(optIn.profileId, (d) => d.length === 2, 'the remove on withdrawal');
    expect(log.map((d: Json) => `${d.action} ${d.status} ${d.reason}`)).toEqual(['add suppressed consent advertising denied', 'remove pending removed: consent advertising denied']);
  }, 120_000);
});
