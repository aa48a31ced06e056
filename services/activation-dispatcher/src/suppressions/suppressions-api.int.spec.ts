import { DispatcherHarness } from '../test-support/dispatcher-harness';

/** Suppression lists over HTTP: each change re-checks the profiles it names in the same transaction, and the worker delivers what that plans. */
describe('suppressions API', () => {
  const h = new DispatcherHarness();
  beforeAll(async () => {
    await h.start('activation_suppressions');
    await h.webhook('hook', {}, { url: `${h.receiver.url}/hook-1` });
    await h.webhook('other');
    await h.sync('s-hook', 'seg', 'hook', 'add_remove');
    await h.sync('s-other', 'seg', 'other', 'add_remove');
  }, 90_000);
  afterAll(() => h.stop());

  it('suppressing a profile id: its waiting add suppressed, a remove sent, other destinations untouched; lifting it re-adds', async () => {
    h.receiver.statusByPath.set('/hook-1', 429); // the hook asks to retry in an hour: its add waits, unsent
    try {
      await h.profile('p1', {});
      await h.membership('seg', 'p1', 'entered');
      await h.waitForLog('p1', ['s-hook add pending', 's-other add delivered']);
      await h.waitFor(
        async () =>
          (
            await h.schema.pool.query(
              `SELECT 1 FROM deliveries WHERE profile_id = 'p1' AND sync_id = 's-hook' AND attempts > 0 AND lease_token IS NULL`,
            )
          ).rowCount === 1,
        20_000,
        async () => 'the add was never attempted',
      );
      const added = await h.http('POST', '/v1/suppressions', { destinationId: 'hook', profileId: 'p1', reason: 'asked to be forgotten' });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({
        destinationId: 'hook',
        kind: 'profile_id',
        value: 'p1',
        reason: 'asked to be forgotten',
        effect: { pending: 1, suppressed: 0, pendingSuppressed: 1 },
      });
      expect(added.body.effect).toEqual({ pending: 1, suppressed: 0, pendingSuppressed: 1 });
      expect(await h.log('p1')).toEqual(['s-hook add suppressed', 's-other add delivered', 's-hook remove pending']);
      expect((await h.deliveries('p1'))[0].reason).toBe("on the destination's suppression list: asked to be forgotten");
    } finally {
      h.receiver.statusByPath.delete('/hook-1');
    }
    await h.advanceClock(3_601_000); // the remove may have been refused with the same Retry-After meanwhile
    await h.waitForLog('p1', ['s-hook add suppressed', 's-other add delivered', 's-hook remove delivered']);

    // a later enter while suppressed is logged, never sent
    await h.membership('seg', 'p1', 'exited');
    await h.membership('seg', 'p1', 'entered');
    await h.waitForLog('p1', [
      's-hook add suppressed',
      's-other add delivered',
      's-hook remove delivered',
      's-other remove delivered',
      's-hook add suppressed',
      's-other add delivered',
    ]);
    expect(h.receiver.items('s-hook').filter((x) => x.endsWith(' p1'))).toEqual(['remove p1']);

    expect((await h.http('GET', '/v1/suppressions?destinationId=hook')).body.suppressions).toEqual([
      expect.objectContaining({ kind: 'profile_id', value: 'p1' }),
    ]);
    const lifted = await h.http('DELETE', '/v1/suppressions?destinationId=hook&profileId=p1');
    expect(lifted.body.effect).toMatchObject({ pending: 1 });
    expect((await h.log('p1')).at(-1)).toMatch(/^s-hook add (pending|delivered)$/);
    await h.waitFor(
      async () => (await h.log('p1')).at(-1) === 's-hook add delivered',
      20_000,
      async () => JSON.stringify(await h.log('p1')),
    );
    expect(h.receiver.items('s-hook').filter((x) => x.endsWith(' p1'))).toEqual(['remove p1', 'add p1']);
    expect((await h.http('DELETE', '/v1/suppressions?destinationId=hook&profileId=p1')).status).toBe(404);
  });

  it('suppressing an identifier matches the profiles holding it (emails compared trimmed and lower-cased)', async () => {
    await h.profile('p2', {}, { identifiers: [{ type: 'email', value: 'bob@example.com' }] });
    await h.membership('seg', 'p2', 'entered');
    await h.waitForLog('p2', ['s-hook add delivered', 's-other add delivered']);
    const added = await h.http('POST', '/v1/suppressions', {
      destinationId: 'other',
      identifierType: 'email',
      identifierValue: ' Bob@Example.com ',
    });
    expect(added.body).toMatchObject({ kind: 'email', value: 'bob@example.com', effect: { pending: 1, pendingSuppressed: 0 } });
    await h.waitForLog('p2', ['s-hook add delivered', 's-other add delivered', 's-other remove delivered']);
    expect(h.receiver.audience('s-other').has('p2')).toBe(false);
    expect(h.receiver.audience('s-hook').has('p2')).toBe(true);
  });

  it('refuses a body naming neither or both keys, and an unknown destination', async () => {
    expect((await h.http('POST', '/v1/suppressions', { destinationId: 'hook' })).status).toBe(400);
    expect(
      (
        await h.http('POST', '/v1/suppressions', {
          destinationId: 'hook',
          profileId: 'x',
          identifierType: 'email',
          identifierValue: 'a@b.c',
        })
      ).status,
    ).toBe(400);
    expect((await h.http('POST', '/v1/suppressions', { destinationId: 'hook', identifierType: 'email' })).body.details).toEqual([
      { path: '/identifierValue', message: 'is required' },
    ]);
    expect((await h.http('POST', '/v1/suppressions', { destinationId: 'nope', profileId: 'x' })).body.details).toEqual([
      { path: '/destinationId', message: 'no such destination' },
    ]);
  });
});
