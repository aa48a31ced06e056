import { Topics, type ResolvedItem } from '@tessera/contracts';
import { createTestSchema } from '@tessera/testing';
import { ProfileQueryService } from '../profiles/profile-query.service';
import { trackItem } from '../test-support/test-items.fixture';
import { ApplierHarness } from '../test-support/applier-harness';
import { loadProfileSnapshots } from './profile-snapshot';

/** An alias of a known user_id renames it: the profile takes the new user_id, the old one is a previous_user_id. */
describe('a renamed user_id (Postgres)', () => {
  let harness: ApplierHarness;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_renamed_user_ids'));
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const item = (messageId: string, at: number, identifiers: Array<[string, string]>, profileId: string): ResolvedItem => ({
    ...trackItem({ messageId, sourceId: 'web', at, event: 'Viewed', profileId }),
    identifiers: identifiers.map(([type, value]) => ({ type, value })),
  });
  const apply = (list: ResolvedItem[]) =>
    harness.applySlice(
      Topics.EventsResolved,
      list.map((i) => ({ kind: 'item' as const, item: i })),
    );
  const identifiersOf = async (profileId: string) =>
    (await loadProfileSnapshots(harness.pool, [profileId])).get(profileId)?.identifiers.map((i) => `${i.type}:${i.value}`);

  it('holds the new user_id and the old one as previous_user_id; lookups by either id find it; the published change agrees', async () => {
    await apply([
      item(
        'rn-1',
        1_000,
        [
          ['user_id', 'old-user'],
          ['anonymous_id', 'a-1'],
        ],
        'rn-p',
      ),
    ]);
    await apply([
      item(
        'rn-2',
        2_000,
        [
          ['user_id', 'new-user'],
          ['previous_user_id', 'old-user'],
        ],
        'rn-p',
      ),
    ]);
    expect(await identifiersOf('rn-p')).toEqual(['anonymous_id:a-1', 'previous_user_id:old-user', 'user_id:new-user']);
    expect(harness.lastPublished.get('rn-p')?.identifiers).toEqual([
      { type: 'anonymous_id', value: 'a-1' },
      { type: 'previous_user_id', value: 'old-user' },
      { type: 'user_id', value: 'new-user' },
    ]);
    const queries = new ProfileQueryService(harness.pool);
    expect(await queries.profileByIdentifier('user_id', 'new-user')).toBe('rn-p');
    expect(await queries.profileByIdentifier('user_id', 'old-user')).toBe('rn-p');
    expect(await queries.profileByIdentifier('previous_user_id', 'old-user')).toBe('rn-p');
  });

  it('also when the old user id and the alias arrive in one slice', async () => {
    await apply([
      item('rs-1', 1_000, [['user_id', 'old-slice']], 'rs-p'),
      item(
        'rs-2',
        2_000,
        [
          ['user_id', 'new-slice'],
          ['previous_user_id', 'old-slice'],
        ],
        'rs-p',
      ),
    ]);
    expect(await identifiersOf('rs-p')).toEqual(['previous_user_id:old-slice', 'user_id:new-slice']);
    expect(harness.lastPublished.get('rs-p')?.identifiers).toEqual([
      { type: 'previous_user_id', value: 'old-slice' },
      { type: 'user_id', value: 'new-slice' },
    ]);
  });
});
