import { Topics, type ResolvedItem } from '@tessera/contracts';
import { createTestSchema } from '@tessera/testing';
import { identifyItem } from '../test-support/test-items.fixture';
import { ApplierHarness } from '../test-support/applier-harness';
import { loadProfileSnapshots } from './profile-snapshot';

/**
 * Two accounts share an email; the resolver lets one hold the email identifier (user_ids never merge) and drops
 * it from the other. The holder is the profile the lookup by email answers, so it is the one whose bestEmail it
 * is, whatever the other account's observation of the email as a trait.
 */
describe('best email agrees with the email identifier (Postgres)', () => {
  let harness: ApplierHarness;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_best_email_holder'));
    await harness.priorities.put({ sourceId: 'crm', priority: 1, fields: {} });
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const apply = (list: ResolvedItem[]) =>
    harness.applySlice(
      Topics.EventsResolved,
      list.map((item) => ({ kind: 'item' as const, item })),
    );
  const bestEmails = async (ids: string[]) => {
    const snapshots = await loadProfileSnapshots(harness.pool, ids);
    return ids.map((id) => snapshots.get(id)?.bestEmail ?? null);
  };

  const accounts = (run: string) => {
    const email = `family-${run}@example.com`;
    const holder = {
      ...identifyItem({ messageId: `${run}-a`, sourceId: 'web', at: 1_000, traits: { email }, profileId: `${run}-holder` }),
      identifiers: [
        { type: 'user_id', value: `${run}-a` },
        { type: 'email', value: email },
      ],
    };
    // newer, and from a higher-priority source: it would win the email on observation alone
    const other = {
      ...identifyItem({ messageId: `${run}-b`, sourceId: 'crm', at: 2_000, traits: { email }, profileId: `${run}-other` }),
      identifiers: [{ type: 'user_id', value: `${run}-b` }],
      droppedIdentifiers: [{ type: 'email', value: email, reason: 'conflicting_user_id' as const }],
    };
    return { email, holder, other };
  };

  it('the holder owns it when the other account comes later', async () => {
    const { email, holder, other } = accounts('later');
    await apply([holder]);
    await apply([other]);
    expect(await bestEmails([holder.profileId, other.profileId])).toEqual([email, null]);
  });

  it('the holder takes it over when the other account came first, and in one slice too', async () => {
    const first = accounts('first');
    await apply([first.other]);
    expect(await bestEmails([first.other.profileId])).toEqual([first.email]);
    await apply([first.holder]);
    expect(await bestEmails([first.holder.profileId, first.other.profileId])).toEqual([first.email, null]);
    // the account that lost the email is told (its segmentable `email` is gone; traits.email is its own trait)
    expect(JSON.parse(harness.lastPublished.get(first.other.profileId)?.values ?? '{}').email).toBeUndefined();

    const together = accounts('together');
    await apply([together.other, together.holder]);
    expect(await bestEmails([together.holder.profileId, together.other.profileId])).toEqual([together.email, null]);
  });
});
