import { sha256Hex } from '@tessera/destinations';
import { RecordingHttpServer } from '@tessera/testing';
import { DispatcherHarness } from '../test-support/dispatcher-harness';

/**
 * The consumer: memberships and profile changes on the embedded broker become deliveries rows in real Postgres, and
 * the worker delivers them through the real webhook adapter to a local receiver. The worker polls only every 5 s
 * here, so a delivery reaching the receiver sooner proves the consumer woke its destination's lane.
 */
describe('activation enqueue (embedded broker, real Postgres, real webhook adapter)', () => {
  const h = new DispatcherHarness();
  const POLL_MS = 5_000;
  beforeAll(async () => {
    await h.start('activation_enqueue', { pollMs: POLL_MS });
    await h.webhook('hook');
    await h.webhook('ads', { requiredConsent: ['Marketing'] }, { url: `${h.receiver.url}/ads` });
    await h.sync('churn-hook', 'churn', 'hook', 'add_remove', {
      plan: 'traits.plan',
      email: 'identifier.email',
      orders: 'computed.orders_30d',
    });
    await h.sync('churn-ads', 'churn', 'ads', 'add_remove');
    await h.sync('vip-upsert', 'vip', 'hook', 'upsert', { plan: 'traits.plan' });
  }, 90_000);
  afterAll(() => h.stop());

  it('enter -> an add whose payload is the DeliveryItem, delivered signed; exit -> a remove; a redelivered message adds no row', async () => {
    await h.profile(
      'p1',
      { 'traits.plan': 'pro', 'consent.Marketing': true },
      {
        identifiers: [
          { type: 'email', value: 'ann@example.com' },
          { type: 'user_id', value: 'u1' },
        ],
      },
    );
    await h.computed('p1', { 'computed.orders_30d': 3 });
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM profiles WHERE profile_id = 'p1' AND computed ? 'computed.orders_30d'`)).rowCount === 1,
      20_000,
      async () => 'computed values never applied',
    );
    const at = Date.UTC(2026, 5, 1);
    await h.membership('churn', 'p1', 'entered', { at });
    await h.membership('churn', 'p1', 'entered', { at }); // the same message again
    await h.waitForLog('p1', ['churn-ads add delivered', 'churn-hook add delivered']);
    const add = (await h.deliveries('p1')).find((d) => d.sync_id === 'churn-hook');
    const item = {
      deliveryId: add?.delivery_id,
      profileId: 'p1',
      action: 'add',
      segmentId: 'churn',
      syncId: 'churn-hook',
      occurredAt: new Date(at).toISOString(),
      identifiers: { email: ['ann@example.com'], user_id: ['u1'] },
      fields: { plan: 'pro', email: 'ann@example.com', orders: 3 },
    };
    expect(add?.payload).toEqual(item);
    const received = h.receiver.calls.filter((c) => c.body.items.some((i) => i.profileId === 'p1' && i.syncId === 'churn-hook'));
    expect(received).toHaveLength(1);
    expect(received[0].verified).toBe(true);
    expect(received[0].body.items).toEqual([item]);

    await h.membership('churn', 'p1', 'exited');
    await h.waitForLog('p1', [
      'churn-ads add delivered',
      'churn-hook add delivered',
      'churn-ads remove delivered',
      'churn-hook remove delivered',
    ]);
    expect(h.receiver.items('churn-hook').filter((x) => x.endsWith(' p1'))).toEqual(['add p1', 'remove p1']);
    expect(h.receiver.audience('churn-ads').has('p1')).toBe(false);
  });

  it('a required consent category not granted, and a test profile, are logged as suppressed with the reason and never sent', async () => {
    await h.profile('p2', { 'traits.plan': 'pro' });
    await h.profile('t1', { 'traits.plan': 'pro', 'consent.marketing': true }, { isTest: true });
    await h.membership('churn', 'p2', 'entered');
    await h.membership('churn', 't1', 'entered');
    await h.waitForLog('p2', ['churn-ads add suppressed', 'churn-hook add delivered']);
    await h.waitForLog('t1', ['churn-ads add suppressed', 'churn-hook add suppressed']);
    expect((await h.deliveries('p2')).find((d) => d.sync_id === 'churn-ads')?.reason).toBe(
      'consent marketing not granted (no choice recorded)',
    );
    expect((await h.deliveries('t1'))[0].reason).toMatch(/^test profile/);
    expect(h.receiver.items('churn-ads').filter((x) => x.endsWith(' p2'))).toEqual([]);
    expect(h.receiver.items().filter((x) => x.endsWith(' t1'))).toEqual([]);
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).toMatch(
      /tessera_activation_dispatcher_deliveries_enqueued_total\{[^}]*topic="cdp.segments.membership"[^}]*status="suppressed"[^}]*\} [1-9]/,
    );
  });

  it('withdrawing consent while in the audience: the destination gets a remove; granting it again re-adds', async () => {
    await h.profile('p3', { 'consent.marketing': true });
    await h.membership('churn', 'p3', 'entered');
    await h.waitForLog('p3', ['churn-ads add delivered', 'churn-hook add delivered']);
    await h.profile('p3', { 'consent.marketing': false });
    await h.waitForLog('p3', ['churn-ads add delivered', 'churn-hook add delivered', 'churn-ads remove delivered']);
    expect((await h.deliveries('p3'))[2].reason).toBe('removed: consent marketing denied');
    expect(h.receiver.audience('churn-ads').has('p3')).toBe(false);
    await h.profile('p3', { 'consent.marketing': true });
    await h.waitForLog('p3', [
      'churn-ads add delivered',
      'churn-hook add delivered',
      'churn-ads remove delivered',
      'churn-ads add delivered',
    ]);
    expect(h.receiver.items('churn-ads').filter((x) => x.endsWith(' p3'))).toEqual(['add p3', 'remove p3', 'add p3']);
    expect(h.receiver.audience('churn-ads').has('p3')).toBe(true);
  });

  it('withdrawing consent while the add still waits (its destination asked to retry in an hour): the add is suppressed, never sent', async () => {
    h.receiver.statusByPath.set('/ads', 429);
    try {
      await h.profile('p6', { 'consent.marketing': true });
      await h.membership('churn', 'p6', 'entered');
      await h.waitForLog('p6', ['churn-ads add pending', 'churn-hook add delivered']);
      await h.waitFor(
        async () =>
          (
            await h.schema.pool.query(
              `SELECT 1 FROM deliveries WHERE profile_id = 'p6' AND sync_id = 'churn-ads' AND attempts > 0 AND lease_token IS NULL AND next_attempt_at > now() + interval '1 minute'`,
            )
          ).rowCount === 1,
        20_000,
        async () => 'the add was never attempted',
      );
      await h.profile('p6', { 'consent.marketing': false });
      await h.waitForLog('p6', ['churn-ads add suppressed', 'churn-hook add delivered', 'churn-ads remove pending']);
      expect((await h.deliveries('p6'))[0].reason).toBe('consent marketing denied');
    } finally {
      h.receiver.statusByPath.delete('/ads');
    }
    await h.advanceClock(3_601_000); // the remove, refused with the same Retry-After meanwhile, goes out now
    await h.waitForLog('p6', ['churn-ads add suppressed', 'churn-hook add delivered', 'churn-ads remove delivered'], 30_000);
    expect(h.receiver.items('churn-ads').filter((x) => x.endsWith(' p6'))).toEqual(['remove p6']);
  });

  it('withdrawing consent while the add is being sent: the send is not marked suppressed, and the remove goes out after it', async () => {
    await h.profile('p7', { 'consent.marketing': true });
    h.receiver.hold((call) => call.body.items.some((i) => i.profileId === 'p7' && i.syncId === 'churn-ads'));
    try {
      await h.membership('churn', 'p7', 'entered');
      await h.waitFor(
        async () => h.receiver.calls.some((c) => c.body.items.some((i) => i.profileId === 'p7' && i.syncId === 'churn-ads')),
        20_000,
        async () => 'the add never reached the receiver',
      );
      const v = await h.profile('p7', { 'consent.marketing': false });
      await h.waitForVersion('p7', v);
      await h.waitFor(
        async () => (await h.log('p7')).includes('churn-ads remove pending'),
        20_000,
        async () => `no remove: ${JSON.stringify(await h.log('p7'))}`,
      );
      // the add is still out: its row stays pending under its lease, so the remove (behind it) cannot overtake it
      expect(await h.log('p7')).toEqual(['churn-ads add pending', 'churn-hook add delivered', 'churn-ads remove pending']);
      const arrived = h.receiver.calls.flatMap((c) => c.body.items).filter((i) => i.profileId === 'p7' && i.syncId === 'churn-ads');
      expect(arrived.map((i) => i.action)).toEqual(['add']); // held unanswered; the remove has not been sent
    } finally {
      h.receiver.release();
    }
    await h.waitForLog('p7', ['churn-ads add delivered', 'churn-hook add delivered', 'churn-ads remove delivered']);
    expect(h.receiver.items('churn-ads').filter((x) => x.endsWith(' p7'))).toEqual(['add p7', 'remove p7']);
    expect(h.receiver.audience('churn-ads').has('p7')).toBe(false);
    const { rows } = await h.schema.pool.query(`SELECT present FROM sync_members WHERE sync_id = 'churn-ads' AND profile_id = 'p7'`);
    expect(rows).toEqual([{ present: false }]);
  });

  it('withdrawing consent while the add is being sent, and that send fails: the add ends suppressed, not retried', async () => {
    await h.profile('p8', { 'consent.marketing': true });
    h.receiver.hold((call) => call.body.items.some((i) => i.profileId === 'p8' && i.syncId === 'churn-ads'));
    try {
      await h.membership('churn', 'p8', 'entered');
      await h.waitFor(
        async () => h.receiver.calls.some((c) => c.body.items.some((i) => i.profileId === 'p8' && i.syncId === 'churn-ads')),
        20_000,
        async () => 'the add never reached the receiver',
      );
      await h.profile('p8', { 'consent.marketing': false });
      await h.waitFor(
        async () => (await h.log('p8')).includes('churn-ads remove pending'),
        20_000,
        async () => `no remove: ${JSON.stringify(await h.log('p8'))}`,
      );
    } finally {
      h.receiver.release(503);
    }
    await h.waitForLog('p8', ['churn-ads add suppressed', 'churn-hook add delivered', 'churn-ads remove delivered']);
    expect((await h.deliveries('p8'))[0].reason).toBe('consent marketing denied');
    const attempts = await h.schema.pool.query(
      `SELECT a.outcome FROM delivery_attempts a JOIN deliveries d USING (delivery_id) WHERE d.profile_id = 'p8' AND d.sync_id = 'churn-ads' AND d.action = 'add'`,
    );
    expect(attempts.rows).toEqual([{ outcome: 'retry' }]); // the one failed attempt, never tried again
    expect(h.receiver.items('churn-ads').filter((x) => x.endsWith(' p8'))).toEqual(['remove p8']);
  });

  it('upsert: the mapped fields on enter and whenever they change, nothing when an unmapped field changes', async () => {
    await h.profile('p4', { 'traits.plan': 'pro', 'traits.city': 'Lyon' });
    await h.membership('vip', 'p4', 'entered');
    await h.waitForLog('p4', ['vip-upsert upsert delivered']);
    const v3 = await h.profile('p4', { 'traits.plan': 'pro', 'traits.city': 'Paris' });
    await h.waitForVersion('p4', v3);
    await h.profile('p4', { 'traits.plan': 'team', 'traits.city': 'Paris' });
    await h.waitForLog('p4', ['vip-upsert upsert delivered', 'vip-upsert upsert delivered']);
    expect((await h.deliveries('p4')).map((d) => d.payload.fields)).toEqual([{ plan: 'pro' }, { plan: 'team' }]);
    const sent = h.receiver.calls.flatMap((c) => c.body.items).filter((i) => i.profileId === 'p4');
    expect(sent.map((i) => [i.action, i.fields])).toEqual([
      ['upsert', { plan: 'pro' }],
      ['upsert', { plan: 'team' }],
    ]);
  });

  it('a merged profile is removed from every destination it was in', async () => {
    await h.profile('p5', { 'consent.marketing': true });
    await h.membership('churn', 'p5', 'entered');
    await h.waitForLog('p5', ['churn-ads add delivered', 'churn-hook add delivered']);
    await h.profile('p5', {}, { status: 'merged', mergedIntoProfileId: 'p1', identifiers: [] });
    await h.waitForLog('p5', [
      'churn-ads add delivered',
      'churn-hook add delivered',
      'churn-ads remove delivered',
      'churn-hook remove delivered',
    ]);
    const removes = (await h.deliveries('p5')).filter((d) => d.action === 'remove');
    expect(removes.map((d) => d.reason)).toEqual(['removed: profile merged into p1', 'removed: profile merged into p1']);
    expect(removes[0].payload.identifiers).toEqual({ email: ['p5@example.com'] });
    for (const sync of ['churn-ads', 'churn-hook']) expect(h.receiver.audience(sync).has('p5')).toBe(false);
  });

  it("a new row is delivered without waiting for the worker's next poll (the consumer wakes its lane)", async () => {
    const latencies: number[] = [];
    for (let n = 0; n < 10; n++) {
      const id = `lat${n}`;
      await h.profile(id, {});
      await h.membership('churn', id, 'entered');
      await h.waitForLog(id, ['churn-ads add suppressed', 'churn-hook add delivered']);
      const { rows } = await h.schema.pool.query<{ created: Date }>(
        `SELECT created_at AS created FROM deliveries WHERE profile_id = $1 AND sync_id = 'churn-hook'`,
        [id],
      );
      const call = h.receiver.calls.find((c) => c.body.items.some((i) => i.profileId === id));
      latencies.push((call?.receivedAt ?? Infinity) - rows[0].created.getTime());
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)];
    console.log(`enqueue -> receiver latency with pollMs ${POLL_MS}: p50 ${p50} ms, max ${sorted.at(-1)} ms (${latencies.join(', ')})`);
    expect(p50).toBeLessThan(POLL_MS / 3);
  });

  it("an audience keeps a merged profile's entry while its survivor is in it, and learns the email the merge brought", async () => {
    // a Google Ads stand-in: jobs are created, take their operations and run
    const google = await new RecordingHttpServer((r) => ({
      status: 200,
      body: r.path.endsWith(':create') ? { resourceName: 'customers/1234567890/offlineUserDataJobs/1' } : {},
    })).start();
    try {
      const created = await h.http('POST', '/v1/destinations', {
        id: 'aud-google',
        name: 'aud-google',
        kind: 'google_customer_match',
        config: { customerId: '1234567890', userListId: '555', baseUrl: google.url() },
        secrets: { developerToken: 'dev-token-123', accessToken: 'ya29.test-token' },
      });
      expect(created.status).toBe(201);
      await h.sync('aud-gads', 'aud', 'aud-google', 'add_remove');
      await h.sync('aud-hook', 'aud', 'hook', 'add_remove');
      const phone = { type: 'phone', value: '+4915123456789' };
      const email = { type: 'email', value: 'eve@example.com' };
      await h.profile('sv', {}, { identifiers: [phone] });
      await h.profile('ab', {}, { identifiers: [email] });
      for (const id of ['sv', 'ab']) {
        await h.membership('aud', id, 'entered');
        await h.waitForLog(id, ['aud-gads add delivered', 'aud-hook add delivered']);
      }
      // the merger's two snapshots: the absorbed profile, then the survivor holding both identifiers
      await h.profile('ab', {}, { status: 'merged', mergedIntoProfileId: 'sv', identifiers: [] });
      await h.waitForLog('ab', [
        'aud-gads add delivered',
        'aud-hook add delivered',
        'aud-gads remove suppressed',
        'aud-hook remove delivered',
      ]);
      const kept = (await h.deliveries('ab')).find((d) => d.sync_id === 'aud-gads' && d.action === 'remove');
      expect(kept?.reason).toBe("not removed: merged into sv, which the audience holds with this profile's email and phone");
      await h.profile('sv', {}, { identifiers: [email, phone] });
      await h.waitForLog('sv', ['aud-gads add delivered', 'aud-hook add delivered', 'aud-gads add delivered']);
      const operations = google.requests
        .filter((r) => r.path.endsWith(':addOperations'))
        .flatMap((r) => (JSON.parse(r.body) as { operations: Array<Record<string, unknown>> }).operations);
      expect(operations.map((o) => Object.keys(o)[0])).toEqual(['create', 'create', 'create']);
      expect(operations[2]).toEqual({
        create: { userIdentifiers: [{ hashedEmail: sha256Hex('eve@example.com') }, { hashedPhoneNumber: sha256Hex('+4915123456789') }] },
      });
    } finally {
      await google.stop();
    }
  });
});
