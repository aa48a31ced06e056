import { DispatcherHarness } from '../test-support/dispatcher-harness';

/** The delivery log's read side: filters, paging, attempts, and what was sent about one person. */
describe('delivery log API', () => {
  const h = new DispatcherHarness();
  beforeAll(async () => {
    await h.start('activation_delivery_log');
    await h.webhook('hook', {}, { url: `${h.receiver.url}/log-hook` });
    await h.webhook('ads', { requiredConsent: ['marketing'] });
    await h.sync('s-hook', 'seg', 'hook', 'add_remove');
    await h.sync('s-ads', 'seg', 'ads', 'add_remove');
    // the hook answers the first attempts 429 (retry in an hour), then takes everything: a retry and a delivered attempt each
    h.receiver.statusByPath.set('/log-hook', 429);
    for (const id of ['a', 'b', 'c']) {
      await h.profile(id, {});
      await h.membership('seg', id, 'entered');
    }
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM deliveries WHERE sync_id = 's-hook' AND attempts > 0 AND lease_token IS NULL`))
          .rowCount === 3,
      20_000,
      async () => 'deliveries never attempted',
    );
    h.receiver.statusByPath.delete('/log-hook');
    await h.advanceClock(3_601_000);
    await h.waitFor(
      async () => (await h.deliveries()).filter((d) => d.status === 'delivered').length === 3,
      20_000,
      async () => 'deliveries never delivered',
    );
  }, 90_000);
  afterAll(() => h.stop());

  it('filters by destination, sync, profile and status, newest first, paged by seq', async () => {
    const suppressed = await h.http('GET', '/v1/deliveries?destinationId=ads&status=suppressed');
    expect(suppressed.body.deliveries.map((d: { profileId: string }) => d.profileId).sort()).toEqual(['a', 'b', 'c']);
    expect(suppressed.body.deliveries[0]).toMatchObject({
      destination: { id: 'ads', name: 'ads', kind: 'webhook' },
      syncId: 's-ads',
      action: 'add',
      status: 'suppressed',
      reason: 'consent marketing not granted (no choice recorded)',
      attempts: [],
    });
    const all = (await h.http('GET', '/v1/deliveries?syncId=s-hook')).body.deliveries as Array<{
      seq: number;
      profileId: string;
      status: string;
    }>;
    expect(all.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(all.map((d) => d.seq)).toEqual([...all.map((d) => d.seq)].sort((x, y) => y - x));
    const first = await h.http('GET', '/v1/deliveries?syncId=s-hook&limit=2');
    const second = await h.http('GET', `/v1/deliveries?syncId=s-hook&limit=2&before=${first.body.next}`);
    expect(second.body.next).toBeNull();
    expect([...first.body.deliveries, ...second.body.deliveries].map((d: { profileId: string }) => d.profileId)).toEqual(
      all.map((d) => d.profileId),
    );
    expect(
      (await h.http('GET', '/v1/deliveries?profileId=b&destinationId=hook')).body.deliveries.map((d: { profileId: string }) => d.profileId),
    ).toEqual(['b']);
    expect((await h.http('GET', '/v1/deliveries?status=lost')).status).toBe(400);
  });

  it("a profile's deliveries: where, what, status and every attempt", async () => {
    const res = await h.http('GET', '/v1/profiles/a/deliveries');
    expect(res.body.profileId).toBe('a');
    const hook = res.body.deliveries.find((d: { destination: { id: string } }) => d.destination.id === 'hook');
    expect(hook).toMatchObject({ status: 'delivered', attemptCount: 2, item: { profileId: 'a', action: 'add', syncId: 's-hook' } });
    expect(
      hook.attempts.map((a: { attempt: number; outcome: string; httpStatus: number }) => [a.attempt, a.outcome, a.httpStatus]),
    ).toEqual([
      [1, 'retry', 429],
      [2, 'delivered', 200],
    ]);
    expect(res.body.deliveries.map((d: { destination: { id: string } }) => d.destination.id).sort()).toEqual(['ads', 'hook']);
  });
});
