import { Topics, type IdentityChange, type ResolvedItem } from '@tessera/contracts';
import { createTestSchema } from '@tessera/testing';
import { trackItem } from '../test-support/test-items.fixture';
import { ApplierHarness } from '../test-support/applier-harness';
import { loadProfileSnapshots } from './profile-snapshot';

const change = (
  fields: Partial<IdentityChange> & Pick<IdentityChange, 'changeId' | 'kind' | 'survivorProfileId' | 'absorbedProfileId'>,
): IdentityChange => ({
  rule: 'test',
  causingMessageId: null,
  identifiers: [],
  movedMessageIds: [],
  movedItems: [],
  detail: null,
  at: 0,
  ...fields,
});

/** An item is (source_id, message_id): Segment's messageId is unique per source only. */
describe('one messageId from two sources is two items (Postgres)', () => {
  let harness: ApplierHarness;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_item_identity'));
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const items = (list: ResolvedItem[]) => list.map((item) => ({ kind: 'item' as const, item }));
  const logged = async (profileId: string) =>
    (
      await harness.pool.query<{ source_id: string; message_id: string }>(
        'SELECT source_id, message_id FROM profile_items WHERE profile_id = $1 ORDER BY source_id, message_id',
        [profileId],
      )
    ).rows;

  it('both are counted and both are logged, in one slice or two, and a split rebuilds the profile with both', async () => {
    const web = trackItem({ messageId: 'shared-1', sourceId: 'web', at: 1_000, event: 'Viewed', profileId: 'ii-a' });
    const app = trackItem({ messageId: 'shared-1', sourceId: 'app', at: 2_000, event: 'Viewed', profileId: 'ii-a' });
    const other = trackItem({ messageId: 'shared-2', sourceId: 'web', at: 3_000, event: 'Viewed', profileId: 'ii-b' });
    const otherApp = trackItem({ messageId: 'shared-2', sourceId: 'app', at: 3_500, event: 'Viewed', profileId: 'ii-b' });
    await harness.applySlice(Topics.EventsResolved, items([web, app]));
    await harness.applySlice(Topics.EventsResolved, items([other]));
    await harness.applySlice(Topics.EventsResolved, items([otherApp]));
    expect(await logged('ii-a')).toEqual([
      { source_id: 'app', message_id: 'shared-1' },
      { source_id: 'web', message_id: 'shared-1' },
    ]);
    expect(await logged('ii-b')).toEqual([
      { source_id: 'app', message_id: 'shared-2' },
      { source_id: 'web', message_id: 'shared-2' },
    ]);

    // a merge, then its split: both profiles are rebuilt from their logs
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({ changeId: 'ii-merge', kind: 'merge', survivorProfileId: 'ii-a', absorbedProfileId: 'ii-b' }),
      },
    ]);
    expect((await loadProfileSnapshots(harness.pool, ['ii-a'])).get('ii-a')?.state.counters.get('Viewed')?.count).toBe(4);
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({
          changeId: 'ii-split',
          kind: 'split',
          survivorProfileId: 'ii-a',
          absorbedProfileId: 'ii-b',
          rule: 'manual_split',
          movedMessageIds: ['shared-2'],
        }),
      },
    ]);
    const rebuilt = await loadProfileSnapshots(harness.pool, ['ii-a', 'ii-b']);
    for (const id of ['ii-a', 'ii-b']) {
      expect({ id, items: rebuilt.get(id)?.state.itemCount, viewed: rebuilt.get(id)?.state.counters.get('Viewed')?.count }).toEqual({
        id,
        items: 2,
        viewed: 2,
      });
    }
    expect(await logged('ii-a')).toHaveLength(2);
    expect(await logged('ii-b')).toHaveLength(2);
  });

  it("a v1 split (message ids only) that moves one source's item of a shared messageId moves that one only", async () => {
    const linked = (item: ResolvedItem, type: string, value: string): ResolvedItem => ({ ...item, identifiers: [{ type, value }] });
    const visitor = linked(
      trackItem({ messageId: 'shared-3', sourceId: 'web', at: 1_000, event: 'Viewed', profileId: 'ii-c' }),
      'anonymous_id',
      'anon-c',
    );
    const user = linked(
      trackItem({ messageId: 'shared-3', sourceId: 'app', at: 2_000, event: 'Viewed', profileId: 'ii-c' }),
      'user_id',
      'u-c',
    );
    await harness.applySlice(Topics.EventsResolved, items([visitor, user]));
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({
          changeId: 'ii-split-c',
          kind: 'split',
          survivorProfileId: 'ii-c',
          absorbedProfileId: 'ii-d',
          rule: 'manual_split',
          movedMessageIds: ['shared-3'],
          identifiers: [{ type: 'anonymous_id', value: 'anon-c' }],
        }),
      },
    ]);
    expect(await logged('ii-c')).toEqual([{ source_id: 'app', message_id: 'shared-3' }]);
    expect(await logged('ii-d')).toEqual([{ source_id: 'web', message_id: 'shared-3' }]);
    const rebuilt = await loadProfileSnapshots(harness.pool, ['ii-c', 'ii-d']);
    expect([rebuilt.get('ii-c')?.state.itemCount, rebuilt.get('ii-d')?.state.itemCount]).toEqual([1, 1]);
  });

  it("a v2 split moves exactly the (source, message) items it names: the other source's item of that messageId stays", async () => {
    // Neither item links an identifier the split moves, so only movedItems can tell them apart.
    const web = trackItem({ messageId: 'shared-5', sourceId: 'web', at: 1_000, event: 'Viewed', profileId: 'ii-e' });
    const app = trackItem({ messageId: 'shared-5', sourceId: 'app', at: 2_000, event: 'Opened', profileId: 'ii-e' });
    await harness.applySlice(Topics.EventsResolved, items([web, app]));
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({
          changeId: 'ii-split-e',
          kind: 'split',
          survivorProfileId: 'ii-e',
          absorbedProfileId: 'ii-f',
          rule: 'manual_split',
          movedMessageIds: ['shared-5'],
          movedItems: [{ sourceId: 'app', messageId: 'shared-5' }],
        }),
      },
    ]);
    expect(await logged('ii-e')).toEqual([{ source_id: 'web', message_id: 'shared-5' }]);
    expect(await logged('ii-f')).toEqual([{ source_id: 'app', message_id: 'shared-5' }]);
    const rebuilt = await loadProfileSnapshots(harness.pool, ['ii-e', 'ii-f']);
    expect([...(rebuilt.get('ii-e')?.state.counters.keys() ?? [])]).toEqual(['Viewed']);
    expect([...(rebuilt.get('ii-f')?.state.counters.keys() ?? [])]).toEqual(['Opened']);
  });

  it("an item a v2 split named before it arrived goes to the new profile, and the other source's item of that messageId stays", async () => {
    const kept = trackItem({ messageId: 'kept-7', sourceId: 'web', at: 500, event: 'Viewed', profileId: 'ii-g' });
    await harness.applySlice(Topics.EventsResolved, items([kept]));
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({
          changeId: 'ii-split-g',
          kind: 'split',
          survivorProfileId: 'ii-g',
          absorbedProfileId: 'ii-h',
          rule: 'manual_split',
          movedMessageIds: ['shared-7'],
          movedItems: [{ sourceId: 'app', messageId: 'shared-7' }],
        }),
      },
    ]);
    // Both still carry the survivor's key (the resolver keyed them before the split); the web one arrives first.
    await harness.applySlice(
      Topics.EventsResolved,
      items([trackItem({ messageId: 'shared-7', sourceId: 'web', at: 1_000, event: 'Viewed', profileId: 'ii-g' })]),
    );
    await harness.applySlice(
      Topics.EventsResolved,
      items([trackItem({ messageId: 'shared-7', sourceId: 'app', at: 2_000, event: 'Opened', profileId: 'ii-g' })]),
    );
    expect(await logged('ii-g')).toEqual([
      { source_id: 'web', message_id: 'kept-7' },
      { source_id: 'web', message_id: 'shared-7' },
    ]);
    expect(await logged('ii-h')).toEqual([{ source_id: 'app', message_id: 'shared-7' }]);
    expect(
      (await harness.pool.query('SELECT count(*)::int AS n FROM split_pending_moves WHERE message_id = $1', ['shared-7'])).rows[0].n,
    ).toBe(0);
  });

  it('an item a v1 split named before it arrived still follows the split by message id', async () => {
    const kept = trackItem({ messageId: 'kept-8', sourceId: 'web', at: 500, event: 'Viewed', profileId: 'ii-i' });
    await harness.applySlice(Topics.EventsResolved, items([kept]));
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({
          changeId: 'ii-split-i',
          kind: 'split',
          survivorProfileId: 'ii-i',
          absorbedProfileId: 'ii-j',
          rule: 'manual_split',
          movedMessageIds: ['late-8'],
        }),
      },
    ]);
    await harness.applySlice(
      Topics.EventsResolved,
      items([trackItem({ messageId: 'late-8', sourceId: 'app', at: 1_000, event: 'Opened', profileId: 'ii-i' })]),
    );
    expect(await logged('ii-j')).toEqual([{ source_id: 'app', message_id: 'late-8' }]);
  });

  it("two sources' campaign touches with one messageId are two history rows, counted and ordered as two", async () => {
    const web = trackItem({
      messageId: 'shared-9',
      sourceId: 'web',
      at: 1_000,
      event: 'Viewed',
      profileId: 'ii-k',
      context: { campaign: { source: 'google', medium: 'cpc' } },
    });
    const app = trackItem({
      messageId: 'shared-9',
      sourceId: 'app',
      at: 1_000,
      event: 'Viewed',
      profileId: 'ii-k',
      context: { campaign: { source: 'newsletter', medium: 'email' } },
    });
    await harness.applySlice(Topics.EventsResolved, items([web]));
    await harness.applySlice(Topics.EventsResolved, items([app]));
    const { rows } = await harness.pool.query(
      'SELECT source_id, message_id, utm_source FROM profile_campaign_touches WHERE profile_id = $1 ORDER BY source_id',
      ['ii-k'],
    );
    expect(rows).toEqual([
      { source_id: 'app', message_id: 'shared-9', utm_source: 'newsletter' },
      { source_id: 'web', message_id: 'shared-9', utm_source: 'google' },
    ]);
    const { campaigns } = (await loadProfileSnapshots(harness.pool, ['ii-k'])).get('ii-k')!.state;
    // Same time and messageId: the source id orders them, in the fold as in the history index.
    expect({ count: campaigns.touchCount, first: campaigns.first?.sourceId, last: campaigns.last?.sourceId }).toEqual({
      count: 2,
      first: 'app',
      last: 'web',
    });

    // a merge carries both rows to the survivor
    await harness.applySlice(
      Topics.EventsResolved,
      items([trackItem({ messageId: 'other-9', sourceId: 'web', at: 500, event: 'Viewed', profileId: 'ii-l' })]),
    );
    await harness.applySlice(Topics.IdentityMerges, [
      {
        kind: 'identity_change',
        change: change({ changeId: 'ii-merge-k', kind: 'merge', survivorProfileId: 'ii-l', absorbedProfileId: 'ii-k' }),
      },
    ]);
    expect(
      (await harness.pool.query('SELECT count(*)::int AS n FROM profile_campaign_touches WHERE profile_id = $1', ['ii-l'])).rows[0].n,
    ).toBe(2);
  });
});
