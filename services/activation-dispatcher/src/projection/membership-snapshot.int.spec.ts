import { DispatcherHarness } from '../test-support/dispatcher-harness';

/**
 * cdp.segments.membership v3: the evaluator sends a profile's snapshot (values, identifiers) with the first of its
 * messages of a version only; the others say `snapshotOmitted`. Embedded broker, real Postgres.
 */
describe('membership messages without the profile snapshot (contract v3)', () => {
  const h = new DispatcherHarness();
  beforeAll(async () => {
    await h.start('activation_membership_snapshot');
    await h.webhook('hook');
    await h.sync('gold-hook', 'gold', 'hook', 'add_remove', { plan: 'traits.plan', email: 'identifier.email' });
    await h.sync('eu-hook', 'eu', 'hook', 'add_remove', { plan: 'traits.plan', email: 'identifier.email' });
  }, 90_000);
  afterAll(() => h.stop());

  it("a message without the snapshot is delivered with the one its version's first message carried", async () => {
    const values = JSON.stringify({ 'traits.plan': 'gold' });
    await h.membership('gold', 'q1', 'entered', { version: 2, values, identifiers: [{ type: 'email', value: 'q1@example.com' }] });
    await h.membership('eu', 'q1', 'entered', { version: 2, values: null, identifiers: [], snapshotOmitted: true });
    await h.waitForLog('q1', ['gold-hook add delivered', 'eu-hook add delivered']);
    for (const d of await h.deliveries('q1')) expect(d.payload).toMatchObject({ fields: { plan: 'gold', email: 'q1@example.com' } });
  });

  it('a message without the snapshot never stands for its version: that version of the profile still applies after it', async () => {
    // the version's first message (with the snapshot) never reached the dispatcher, e.g. it was dead-lettered
    await h.membership('eu', 'q2', 'entered', { version: 3, values: null, identifiers: [], snapshotOmitted: true });
    await h.waitForLog('q2', ['eu-hook add delivered']);
    await h.profile('q2', { 'traits.plan': 'silver' }, { version: 3, identifiers: [{ type: 'email', value: 'q2@example.com' }] });
    await h.waitFor(
      async () =>
        (await h.schema.pool.query(`SELECT 1 FROM profiles WHERE profile_id = 'q2' AND version = 3 AND traits->>'traits.plan' = 'silver'`))
          .rowCount === 1,
      20_000,
      async () =>
        `q2 is ${JSON.stringify((await h.schema.pool.query(`SELECT version, traits FROM profiles WHERE profile_id = 'q2'`)).rows)}`,
    );
  });
});
