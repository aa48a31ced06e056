import * as fc from 'fast-check';
import { Topics, type ResolvedItem } from '@tessera/contracts';
import { assignBestEmails } from '../survivorship/best-email-assignment';
import { buildItem, itemSpecArbitrary, shuffle } from '../test-support/item-arbitraries.fixture';
import { observeItem } from '../survivorship/item-observer';
import type { PriorityConfig } from '../survivorship/priority-config';
import { emptyProfileState, type ProfileState } from '../survivorship/profile-state';
import { joinProfileState } from '../survivorship/profile-state-join';
import { NO_RATES } from '../survivorship/lifetime-value';
import { segmentableValues } from '../survivorship/segmentable-values';
import { createTestSchema } from '@tessera/testing';
import { ApplierHarness } from '../test-support/applier-harness';
import { loadProfileSnapshots } from './profile-snapshot';

const config: PriorityConfig = {
  sources: new Map([
    ['crm', 1],
    ['web', 5],
  ]),
  fields: new Map([['web', new Map([['plan', 1]])]]),
};

/**
 * The SQL twins of the fold: items applied through the real appliers in random batches and orders, with a merge
 * at a random point and then its split, leave in Postgres exactly the profiles the pure fold computes (including
 * the 1:1 best email).
 */
describe('stored profiles equal the pure survivorship fold (Postgres)', () => {
  let harness: ApplierHarness;
  let run = 0;

  beforeAll(async () => {
    harness = await ApplierHarness.start(await createTestSchema('pm_fold'));
    await harness.priorities.put({ sourceId: 'crm', priority: 1, fields: {} });
    await harness.priorities.put({ sourceId: 'web', priority: 5, fields: { plan: 1 } });
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
  });

  const applySlice = (topic: string, inputs: Parameters<ApplierHarness['applySlice']>[1]) => harness.applySlice(topic, inputs);

  /**
   * The appliers compute each profile's "after" state instead of reading it back: the latest
   * cdp.profiles.changed of every profile must say exactly what storage now holds.
   */
  const expectPublishedToMatchStorage = async (profileIds: readonly string[]): Promise<void> => {
    const stored = await loadProfileSnapshots(harness.pool, profileIds);
    for (const profileId of profileIds) {
      const published = harness.lastPublished.get(profileId);
      const snapshot = stored.get(profileId);
      if (!published || !snapshot) continue;
      const active = snapshot.status === 'active';
      expect({
        profileId,
        status: published.status,
        into: published.mergedIntoProfileId,
        identifiers: published.identifiers,
        values: JSON.parse(published.values),
      }).toEqual({
        profileId,
        status: snapshot.status,
        into: snapshot.mergedInto,
        identifiers: active ? snapshot.identifiers : [],
        values: active ? segmentableValues(snapshot.state, snapshot.bestEmail, NO_RATES) : {},
      });
    }
  };

  /**
   * Items carry a few identifiers of their own profile (never another's, so each profile's last message stays
   * current: a profile that loses an identifier to another profile's slice is not re-announced).
   */
  const withIdentifiers = (item: ResolvedItem, picks: readonly number[]): ResolvedItem => ({
    ...item,
    identifiers: picks.map((k) => ({ type: k % 2 === 0 ? 'anonymous_id' : 'device_id', value: `${item.profileId}-${k}` })),
  });
  const identifierPicks = fc.subarray([0, 1, 2, 3]);

  const fold = (list: readonly ResolvedItem[]): ProfileState =>
    list.reduce((s, item) => joinProfileState(s, observeItem(item, config)), emptyProfileState());

  it('random streams, random batches, an optional merge at a random point, then its split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(itemSpecArbitrary, fc.boolean(), identifierPicks), { minLength: 1, maxLength: 16 }),
        fc.nat(),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 16, maxLength: 16 }),
        fc.option(fc.nat(), { nil: null }),
        async (specs, seed, batchSizes, mergeAfter) => {
          run += 1;
          const [left, right] = [`r${run}-a`, `r${run}-b`];
          const all = specs.map(([spec, onLeft, picks], index) =>
            withIdentifiers(buildItem(spec, `r${run}-m${index.toString().padStart(2, '0')}`, onLeft ? left : right, `run${run}.io`), picks),
          );
          const order = shuffle(all, seed);
          const mergeAt = mergeAfter === null ? -1 : mergeAfter % (order.length + 1);
          let position = 0;
          for (let batch = 0; position <= order.length; batch++) {
            if (position === mergeAt) {
              await applySlice(Topics.IdentityMerges, [
                {
                  kind: 'identity_change',
                  change: {
                    changeId: `r${run}-merge`,
                    kind: 'merge',
                    survivorProfileId: left,
                    absorbedProfileId: right,
                    rule: 'test',
                    causingMessageId: null,
                    identifiers: [],
                    movedMessageIds: [],
                    movedItems: [],
                    detail: null,
                    at: 0,
                  },
                },
              ]);
            }
            if (position === order.length) break;
            const size = Math.min(
              batchSizes[batch % batchSizes.length],
              order.length - position,
              mergeAt > position ? mergeAt - position : Infinity,
            );
            await applySlice(
              Topics.EventsResolved,
              order.slice(position, position + size).map((item) => ({ kind: 'item' as const, item })),
            );
            position += size;
          }

          await expectPublishedToMatchStorage([left, right]);
          const stored = await loadProfileSnapshots(harness.pool, [left, right]);
          const expectedStates =
            mergeAt >= 0
              ? new Map([[left, fold(all)]])
              : new Map([
                  [left, fold(all.filter((i) => i.profileId === left))],
                  [right, fold(all.filter((i) => i.profileId === right))],
                ]);
          const best = assignBestEmails(
            [...expectedStates].flatMap(([profileId, state]) =>
              [...state.emails].map(([email, provenance]) => ({ email, profileId, provenance })),
            ),
          );
          for (const [profileId, state] of expectedStates) {
            const snapshot = stored.get(profileId);
            if (state.itemCount === 0) continue;
            expect(snapshot && segmentableValues(snapshot.state, snapshot.bestEmail, NO_RATES)).toEqual(
              segmentableValues(state, best.get(profileId) ?? null, NO_RATES),
            );
          }
          if (mergeAt < 0) return;
          expect(stored.get(right)?.status).toBe('merged');

          // undo the merge: the right profile's items move back and both are rebuilt from the item log
          const rightItems = all.filter((i) => i.profileId === right);
          await applySlice(Topics.IdentityMerges, [
            {
              kind: 'identity_change',
              change: {
                changeId: `r${run}-split`,
                kind: 'split',
                survivorProfileId: left,
                absorbedProfileId: right,
                rule: 'manual_split',
                causingMessageId: null,
                identifiers: [],
                movedMessageIds: rightItems.map((i) => i.messageId),
                movedItems: rightItems.map(({ sourceId, messageId }) => ({ sourceId, messageId })),
                detail: null,
                at: 0,
              },
            },
          ]);
          await expectPublishedToMatchStorage([left, right]);
          const split = await loadProfileSnapshots(harness.pool, [left, right]);
          const separate = new Map([
            [left, fold(all.filter((i) => i.profileId === left))],
            [right, fold(rightItems)],
          ]);
          const splitBest = assignBestEmails(
            [...separate].flatMap(([profileId, state]) =>
              [...state.emails].map(([email, provenance]) => ({ email, profileId, provenance })),
            ),
          );
          for (const [profileId, state] of separate) {
            const snapshot = split.get(profileId);
            expect(snapshot?.status).toBe('active');
            expect(snapshot && segmentableValues(snapshot.state, snapshot.bestEmail, NO_RATES)).toEqual(
              segmentableValues(state, splitBest.get(profileId) ?? null, NO_RATES),
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('a slice of chained merges in random order equals the pure fold of each resulting cluster', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(itemSpecArbitrary, fc.nat({ max: 4 }), identifierPicks), { minLength: 1, maxLength: 14 }),
        fc.array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 4 })), { minLength: 1, maxLength: 7 }),
        async (specs, pairs) => {
          run += 1;
          const ids = [0, 1, 2, 3, 4].map((n) => `r${run}-p${n}`);
          const all = specs.map(([spec, owner, picks], index) =>
            withIdentifiers(buildItem(spec, `r${run}-m${index.toString().padStart(2, '0')}`, ids[owner], `run${run}.io`), picks),
          );
          await applySlice(
            Topics.EventsResolved,
            all.map((item) => ({ kind: 'item' as const, item })),
          );
          const merges = pairs.filter(([a, b]) => a !== b);
          await applySlice(
            Topics.IdentityMerges,
            merges.map(([survivor, absorbed], k) => ({
              kind: 'identity_change' as const,
              change: {
                changeId: `r${run}-merge${k}`,
                kind: 'merge' as const,
                survivorProfileId: ids[survivor],
                absorbedProfileId: ids[absorbed],
                rule: 'test',
                causingMessageId: null,
                identifiers: [],
                movedMessageIds: [],
                movedItems: [],
                detail: null,
                at: 0,
              },
            })),
          );

          // The same merges applied one at a time, in order, in memory.
          const parent = new Map<string, string>();
          const root = (id: string): string => (parent.has(id) ? root(parent.get(id)!) : id);
          for (const [survivor, absorbed] of merges) {
            const [s, a] = [root(ids[survivor]), root(ids[absorbed])];
            if (s !== a) parent.set(a, s);
          }
          const expectedStates = new Map<string, ProfileState>();
          for (const id of ids) if (root(id) === id) expectedStates.set(id, fold(all.filter((item) => root(item.profileId) === id)));
          const best = assignBestEmails(
            [...expectedStates].flatMap(([profileId, state]) =>
              [...state.emails].map(([email, provenance]) => ({ email, profileId, provenance })),
            ),
          );
          await expectPublishedToMatchStorage(ids);
          const stored = await loadProfileSnapshots(harness.pool, ids);
          for (const id of ids) {
            const snapshot = stored.get(id);
            if (root(id) !== id) {
              if (snapshot)
                expect({ id, status: snapshot.status, into: snapshot.mergedInto }).toEqual({ id, status: 'merged', into: root(id) });
              continue;
            }
            const state = expectedStates.get(id)!;
            if (state.itemCount === 0) continue;
            expect(snapshot && segmentableValues(snapshot.state, snapshot.bestEmail, NO_RATES)).toEqual(
              segmentableValues(state, best.get(id) ?? null, NO_RATES),
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
