import { DispatcherHarness } from '../test-support/dispatcher-harness';

/** The consumer: memberships and profile changes on the embedded broker become deliveries rows in real Postgres. */
describe('activation enqueue (embedded broker, real Postgres)', () => {
  const h = new DispatcherHarness();
  beforeAll(async () => {
    await h.start('activation_enqueue');
    await h.webhook('hook');
    await h.webhook('ads', { requiredConsent: ['Marketing'] });
    await h.sync('churn-hook', 'churn', 'hook', 'add_remove', { plan: 'traits.plan', email: 'identifier.email', orders: 'computed.orders_30d' });
    await h.sync('churn-ads', 'churn', 'ads', 'add_remove');
    await h.sync('vip-upsert', 'vip', 'hook', 'upsert', { plan: 'traits.plan' });
  }, 90_000);
  afterAll(() => h.stop());

  it('enter -> a pending add whose payload is the DeliveryItem; exit -> a remove; a redelivered message adds no row', async () => {
    await h.profile('p1', { 'traits.plan': 'pro', 'consent.Marketing': true }, { identifiers: [{ type: 'email', value: 'ann@example.com' }, { type: 'user_id', value: 'u1' }] });
    await h.computed('p1', { 'computed.orders_30d': 3 });
    await h.waitFor(async () => (await h.schema.pool.query(`SELECT 1 FROM profiles WHERE profile_id = 'p1' AND computed ? 'computed.orders_30d'`)).rowCount === 1, 20_000, async () => 'computed values never applied');
    const at = Date.UTC(2026, 5, 1);
    await h.membership('churn', 'p1', 'entered', { at });
    await h.membership('churn', 'p1', 'entered', { at }); // the same message again
    await h.waitForLog('p1', ['churn-ads add pending', 'churn-hook add pending']);
    const add = (await h.deliveries('p1')).find((d) => d.sync_id === 'churn-hook');
    expect(add?.payload).toEqual({
      deliveryId: add?.delivery_id, profileId: 'p1', action: 'add', segmentId: 'churn', syncId: 'churn-hook', occurredAt: new Date(at).toISOString(),
      identifiers: { email: ['ann@example.com'], user_id: ['u1'] }, fields: { plan: 'pro', email: 'ann@example.com', orders: 3 },
    });
    await h.membership('churn', 'p1', 'exited');
    await h.waitForLog('p1', ['churn-ads add pending', 'churn-hook add pending', 'churn-ads remove pending', 'churn-hook remove pending']);
  });

  it('a required consent category not granted, and a test profile, are logged as suppressed with the reason', async () => {
    await h.profile('p2', { 'traits.plan': 'pro' });
    await h.profile('t1', { 'traits.plan': 'pro', 'consent.marketing': true }, { isTest: true });
    await h.membership('churn', 'p2', 'entered');
    await h.membership('churn', 't1', 'entered');
    await h.waitForLog('p2', ['churn-ads add suppressed', 'churn-hook add pending']);
    await h.waitForLog('t1', ['churn-ads add suppressed', 'churn-hook add suppressed']);
    expect((await h.deliveries('p2')).find((d) => d.sync_id === 'churn-ads')?.reason).toBe('consent marketing not granted (no choice recorded)');
    expect((await h.deliveries('t1'))[0].reason).toMatch(/^test profile/);
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).toMatch(/tessera_activation_dispatcher_deliveries_enqueued_total\{[^}]*topic="cdp.segments.membership"[^}]*status="suppressed"[^}]*\} [1-9]/);
  });

  it('withdrawing consent while in the audience: a remove where an add was sent, and the pending add suppressed; granting it again re-adds', async () => {
    await h.profile('p3', { 'consent.marketing': true });
    await h.membership('churn', 'p3', 'entered');
    await h.waitForLog('p3', ['churn-ads add pending', 'churn-hook add pending']);
    await h.profile('p3', { 'consent.marketing': false });
    await h.waitForLog('p3', ['churn-ads add suppressed', 'churn-hook add pending', 'churn-ads remove pending']);
    const [suppressedAdd, , remove] = await h.deliveries('p3');
    expect(suppressedAdd.reason).toBe('consent marketing denied');
    expect(remove.reason).toBe('removed: consent marketing denied');
    await h.profile('p3', { 'consent.marketing': true });
    await h.waitForLog('p3', ['churn-ads add suppressed', 'churn-hook add pending', 'churn-ads remove pending', 'churn-ads add pending']);
  });

  it('upsert: the mapped fields on enter and whenever they change, nothing when an unmapped field changes', async () => {
    await h.profile('p4', { 'traits.plan': 'pro', 'traits.city': 'Lyon' });
    await h.membership('vip', 'p4', 'entered');
    await h.waitForLog('p4', ['vip-upsert upsert pending']);
    const v3 = await h.profile('p4', { 'traits.plan': 'pro', 'traits.city': 'Paris' });
    await h.waitForVersion('p4', v3);
    await h.profile('p4', { 'traits.plan': 'team', 'traits.city': 'Paris' });
    await h.waitForLog('p4', ['vip-upsert upsert pending', 'vip-upsert upsert pending']);
    expect((await h.deliveries('p4')).map((d) => d.payload.fields)).toEqual([{ plan: 'pro' }, { plan: 'team' }]);
  });

  it('a merged profile is removed from every destination it was in', async () => {
    await h.profile('p5', { 'consent.marketing': true });
    await h.membership('churn', 'p5', 'entered');
    await h.waitForLog('p5', ['churn-ads add pending', 'churn-hook add pending']);
    await h.profile('p5', {}, { status: 'merged', mergedIntoProfileId: 'p1', identifiers: [] });
    await h.waitForLog('p5', ['churn-ads add suppressed', 'churn-hook add suppressed', 'churn-ads remove pending', 'churn-hook remove pending']);
    const removes = (await h.deliveries('p5')).filter((d) => d.action === 'remove');
    expect(removes.map((d) => d.reason)).toEqual(['removed: profile merged into p1', 'removed: profile merged into p1']);
    expect(removes[0].payload.identifiers).toEqual({ email: ['p5@example.com'] });
  });
});
