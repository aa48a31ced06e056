import { identifyItem, recordItem, trackItem } from '../test-support/test-items.fixture';
import { type MergerHarness } from '../test-support/merger-harness';
import { useMergerStack } from '../test-support/merger-stack';

const T0 = Date.UTC(2026, 0, 1);

describe('profile-merger on the embedded broker and Postgres, through HTTP: splits, consistent reads, dedupe, errors, best email', () => {
  const stack = useMergerStack('profile_merger_it');
  let harness: MergerHarness;
  beforeAll(() => {
    ({ harness } = stack);
  });

  it('a split undoes a wrong merge: both profiles are rebuilt from their items', async () => {
    const item = (profileId: string, messageId: string, at: number, firstName: string, id: string) => ({
      ...identifyItem({ profileId, messageId, sourceId: 'web', at, traits: { firstName } }),
      identifiers: [{ type: 'user_id', value: id }],
    });
    await harness.sendItems([
      item('p-ada', 'ada-1', T0 + 1000, 'Ada', 'u-ada'),
      trackItem({ profileId: 'p-ada', messageId: 'ada-2', sourceId: 'web', at: T0 + 1100, event: 'Order Completed', revenue: 5 }),
      item('p-bob', 'bob-1', T0 + 2000, 'Bob', 'u-bob'),
      trackItem({ profileId: 'p-bob', messageId: 'bob-2', sourceId: 'web', at: T0 + 2100, event: 'Order Completed', revenue: 7 }),
    ]);
    await harness.waitFor('/v1/profiles/p-bob', (body) => body.summary?.itemCount === 2);
    await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 2);
    await harness.sendChange({
      changeId: 'chg-wrong',
      kind: 'merge',
      survivorProfileId: 'p-ada',
      absorbedProfileId: 'p-bob',
      rule: 'shared_identifier:email',
      causingMessageId: 'bob-1',
      identifiers: [],
      at: T0 + 3000,
    });
    const wrong = await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 4);
    expect(wrong.traits['given-name']).toBe('Bob');
    expect(wrong.transactions.orderCount).toBe(2);
    await harness.sendChange({
      changeId: 'chg-split',
      kind: 'split',
      survivorProfileId: 'p-ada',
      absorbedProfileId: 'p-bob',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'user_id', value: 'u-bob' }],
      movedMessageIds: ['bob-1', 'bob-2'],
      detail: 'support ticket 42',
      at: T0 + 4000,
    });
    const ada = await harness.waitFor('/v1/profiles/p-ada', (body) => body.summary?.itemCount === 2);
    expect(ada.traits['given-name']).toBe('Ada');
    expect(ada.transactions).toMatchObject({ revenueTotal: 5, orderCount: 1 });
    const bob = await harness.waitFor('/v1/profiles/p-bob', (body, status) => status === 200 && body.profileId === 'p-bob');
    expect(bob).toMatchObject({ status: 'active', traits: { 'given-name': 'Bob' }, transactions: { revenueTotal: 7, orderCount: 1 } });
    expect(bob).not.toHaveProperty('redirectedFrom');
    expect((await harness.get('/v1/profiles?identifier=user_id:u-bob')).body.profileId).toBe('p-bob');
    expect((await harness.get('/v1/profiles?identifier=user_id:u-ada')).body.profileId).toBe('p-ada');
  });

  it('an item a split moved before the merger received it lands on the new profile when it arrives', async () => {
    await harness.sendItems([
      trackItem({ profileId: 'p-eve', messageId: 'eve-1', sourceId: 'web', at: T0 + 1000, event: 'Viewed' }),
      trackItem({ profileId: 'p-fay', messageId: 'fay-1', sourceId: 'web', at: T0 + 1100, event: 'Viewed' }),
    ]);
    await harness.waitFor('/v1/profiles/p-fay', (body) => body.summary?.itemCount === 1);
    await harness.sendChange({
      changeId: 'chg-eve-fay',
      kind: 'merge',
      survivorProfileId: 'p-eve',
      absorbedProfileId: 'p-fay',
      rule: 'shared_identifier:email',
      causingMessageId: 'fay-1',
      identifiers: [],
      at: T0 + 2000,
    });
    await harness.waitFor('/v1/profiles/p-eve', (body) => body.summary?.itemCount === 2);
    // The resolver split fay-1 and fay-2 away; fay-2 (resolved before the split, keyed by the survivor) is still in flight.
    await harness.sendChange({
      changeId: 'chg-eve-split',
      kind: 'split',
      survivorProfileId: 'p-eve',
      absorbedProfileId: 'p-fay',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [],
      movedMessageIds: ['fay-1', 'fay-2'],
      detail: null,
      at: T0 + 3000,
    });
    await harness.waitFor('/v1/profiles/p-fay', (body, status) => status === 200 && body.summary?.itemCount === 1);
    await harness.sendItems([trackItem({ profileId: 'p-eve', messageId: 'fay-2', sourceId: 'web', at: T0 + 2500, event: 'Clicked' })]);
    const fay = await harness.waitFor('/v1/profiles/p-fay', (body) => body.summary?.itemCount === 2);
    expect(Object.keys(fay.summary.eventCounts).sort()).toEqual(['Clicked', 'Viewed']);
    const eve = await harness.get('/v1/profiles/p-eve');
    expect(eve.body.summary.itemCount).toBe(1);
  });

  it('a split that moves identifiers but no items leaves a known profile holding them', async () => {
    await harness.sendItems([
      {
        ...trackItem({ profileId: 'p-gil', messageId: 'gil-1', sourceId: 'web', at: T0 + 1000, event: 'Viewed' }),
        identifiers: [
          { type: 'user_id', value: 'u-gil' },
          { type: 'email', value: 'old@gil.io' },
        ],
      },
    ]);
    await harness.waitFor('/v1/profiles/p-gil', (body) => body.summary?.itemCount === 1);
    await harness.sendChange({
      changeId: 'chg-gil-split',
      kind: 'split',
      survivorProfileId: 'p-gil',
      absorbedProfileId: 'p-gil-2',
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'email', value: 'old@gil.io' }],
      movedMessageIds: [],
      detail: null,
      at: T0 + 2000,
    });
    const moved = await harness.waitFor('/v1/profiles/p-gil-2', (_body, status) => status === 200);
    expect(moved.identifiers).toEqual([{ type: 'email', value: 'old@gil.io' }]);
    expect(moved.summary.itemCount).toBe(0);
    expect((await harness.get('/v1/profiles?identifier=email:old@gil.io')).body.profileId).toBe('p-gil-2');
  });

  it('a second split keeps the identifiers an earlier split moved away, though a kept item still lists them', async () => {
    const viewed = (messageId: string, at: number, ...ids: Array<[string, string]>) => ({
      ...trackItem({ profileId: 'p-cy', messageId, sourceId: 'web', at: T0 + at, event: 'Viewed' }),
      identifiers: ids.map(([type, value]) => ({ type, value })),
    });
    await harness.sendItems([
      viewed('cy-1', 1000, ['user_id', 'u-cy']),
      viewed('cy-2', 2000, ['user_id', 'u-cy'], ['anonymous_id', 'a-dee']),
      viewed('cy-3', 3000, ['anonymous_id', 'a-dee']),
      viewed('cy-4', 4000, ['user_id', 'u-cy'], ['anonymous_id', 'a-cy-phone']),
      viewed('cy-5', 5000, ['anonymous_id', 'a-cy-phone']),
    ]);
    await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 5);
    const split = (changeId: string, absorbedProfileId: string, value: string, moved: string, at: number) => ({
      changeId,
      kind: 'split' as const,
      survivorProfileId: 'p-cy',
      absorbedProfileId,
      rule: 'manual_split',
      causingMessageId: null,
      identifiers: [{ type: 'anonymous_id', value }],
      movedMessageIds: [moved],
      detail: null,
      at: T0 + at,
    });
    await harness.sendChange(split('chg-cy-1', 'p-dee', 'a-dee', 'cy-3', 6000));
    await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 4);
    await harness.sendChange(split('chg-cy-2', 'p-cy-phone', 'a-cy-phone', 'cy-5', 7000));
    const cy = await harness.waitFor('/v1/profiles/p-cy', (body) => body.summary?.itemCount === 3);
    expect(cy.identifiers).toEqual([{ type: 'user_id', value: 'u-cy' }]);
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:a-dee')).body.profileId).toBe('p-dee');
    expect((await harness.get('/v1/profiles?identifier=anonymous_id:a-cy-phone')).body.profileId).toBe('p-cy-phone');
  });

  it('answers every profile read as of one moment, while slices commit', async () => {
    const ticks = Array.from({ length: 300 }, (_, n) =>
      trackItem({ profileId: 'p-steady', messageId: `steady-${n}`, sourceId: 'web', at: T0 + n, event: n % 2 ? 'Tick' : 'Tock' }),
    );
    const sending = Promise.all([0, 1, 2].map((lane) => harness.sendItems(ticks.filter((_, n) => n % 3 === lane))));
    const skewed: unknown[] = [];
    let reads = 0;
    const reader = async () => {
      for (let done = false; !done;) {
        const { status, body } = await harness.get('/v1/profiles/p-steady');
        if (status !== 200) continue;
        reads++;
        const counted = Object.values(body.summary.eventCounts as Record<string, { count: number }>).reduce((sum, c) => sum + c.count, 0);
        if (counted !== body.summary.itemCount) skewed.push({ itemCount: body.summary.itemCount, counted });
        done = body.summary.itemCount === ticks.length;
      }
    };
    await Promise.all([reader(), reader(), reader()]);
    await sending;
    expect(skewed).toEqual([]);
    expect(reads).toBeGreaterThan(3);
  });

  it('applies a republished item once (sequence dedupe by tessera-seq)', async () => {
    await harness.sendTwice(
      trackItem({ profileId: 'p-dup', messageId: 'dup-1', sourceId: 'web', at: T0, event: 'Order Completed', revenue: 3 }),
      1n,
    );
    await harness.sendItems([
      {
        ...trackItem({ profileId: 'p-dup', messageId: 'dup-2', sourceId: 'web', at: T0 + 1, event: 'Signed Up' }),
        identifiers: [{ type: 'email', value: 'dup@example.com' }],
      },
    ]);
    const profile = await harness.waitFor('/v1/profiles/p-dup', (body) => body.summary?.eventCounts?.['Signed Up']?.count === 1);
    expect(profile.transactions).toMatchObject({ revenueTotal: 3, orderCount: 1 });
    expect(profile.summary.itemCount).toBe(2);
    expect((await harness.get('/v1/profiles?identifier=email:%20DUP@example.com')).body).toMatchObject({
      profileId: 'p-dup',
      bestEmail: 'dup@example.com',
    });
  });

  it('answers 404 JSON for unknown ids and identifiers, 400 for a malformed identifier', async () => {
    const unknown = await harness.get('/v1/profiles?identifier=email:nobody@example.com');
    expect(unknown).toEqual({
      status: 404,
      body: expect.objectContaining({ message: 'no profile has the identifier email:nobody@example.com' }),
    });
    expect((await harness.get('/v1/profiles/nope')).status).toBe(404);
    expect((await harness.get('/v1/profiles?identifier=nocolon')).status).toBe(400);
  });

  it('gives an email to at most one profile as best email, by priority', async () => {
    await harness.sendItems([
      identifyItem({ profileId: 'p-web-sam', messageId: 'sam-web', sourceId: 'web', at: T0 + 9000, traits: { email: 'sam@example.com' } }),
      recordItem({
        profileId: 'p-crm-sam',
        messageId: 'sam-crm',
        sourceId: 'crm',
        at: T0 + 1000,
        attributes: { mail: 'sam@example.com' },
        mapping: { mail: 'email' },
      }),
    ]);
    const crm = await harness.waitFor('/v1/profiles/p-crm-sam', (body) => body.bestEmail === 'sam@example.com');
    expect(crm.bestEmail).toBe('sam@example.com');
    const web = await harness.waitFor('/v1/profiles/p-web-sam', (body) => body.summary?.itemCount === 1);
    expect(web.bestEmail).toBeNull();
    expect(web.traits.email).toBe('sam@example.com');
  });
});
