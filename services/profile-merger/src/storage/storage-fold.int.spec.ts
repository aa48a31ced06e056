import * as fc from 'fast-check';
import { encode, Topics, type ResolvedItem } from '@tessera/contracts';
import { BatchApplyContext, contractDlqEncoder, type DecodedRecord } from '@tessera/kafka';
import { createServiceDataSource, dataSourcePool, withPgTransaction, type DataSource, type Pool } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { PROFILE_MERGER_MIGRATIONS } from '../database/migrations';
import { IdentityChangesApplier } from '../merging/identity-changes.applier';
import { mergingMetrics } from '../merging/metrics';
import type { ProfileInput } from '../merging/profile-input';
import { ProfileSplitter } from '../merging/profile-splitter';
import { ResolvedItemsApplier } from '../merging/resolved-items.applier';
import { PriorityRepository } from '../priorities/priority-repository';
import { assignBestEmails } from '../survivorship/best-email-assignment';
import { buildItem, itemSpecArbitrary, shuffle } from '../survivorship/item-arbitraries.fixture';
import { observeItem } from '../survivorship/item-observer';
import type { PriorityConfig } from '../survivorship/priority-config';
import { emptyProfileState, type ProfileState } from '../survivorship/profile-state';
import { joinProfileState } from '../survivorship/profile-state-join';
import { segmentableValues } from '../survivorship/segmentable-values';
import { BestEmailAssigner } from './best-email-assigner';
import { ProfileItemLog } from './profile-item-log';
import { loadProfileSnapshots } from './profile-snapshot';
import { RecentEventsWriter } from './recent-events-writer';
import { Registry } from 'prom-client';

const config: PriorityConfig = { sources: new Map([['crm', 1], ['web', 5]]), fields: new Map([['web', new Map([['plan', 1]])]]) };

/**
 * The SQL twins of the fold: items applied through the real appliers in random batches and orders, with a merge
 * at a random point, leave in Postgres exactly the profile the pure fold computes (including the 1:1 best email).
 */
describe('stored profiles equal the pure survivorship fold (Postgres)', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let pool: Pool;
  let items: ResolvedItemsApplier;
  let changes: IdentityChangesApplier;
  const metrics = mergingMetrics(new Registry());
  let run = 0;

  beforeAll(async () => {
    schema = await createTestSchema('pm_fold');
    dataSource = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    pool = dataSourcePool(dataSource);
    const priorities = new PriorityRepository(pool);
    await priorities.put({ sourceId: 'crm', priority: 1, fields: {} });
    await priorities.put({ sourceId: 'web', priority: 5, fields: { plan: 1 } });
    const emails = new BestEmailAssigner();
    const timeline = new RecentEventsWriter();
    const log = new ProfileItemLog();
    items = new ResolvedItemsApplier(priorities, emails, timeline, log);
    changes = new IdentityChangesApplier(emails, timeline, new ProfileSplitter(priorities, emails, timeline, log));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await schema?.drop();
  });

  async function applySlice(topic: string, inputs: ProfileInput[]): Promise<void> {
    await withPgTransaction(pool, async (tx) => {
      const ctx = new BatchApplyContext<ProfileInput>(tx, 'test', topic, 0, 'profile-merger', 'cdp.events.rejected', contractDlqEncoder);
      const records: DecodedRecord<ProfileInput>[] = inputs.map((value, offset) => ({
        message: { topic, partition: 0, offset: String(offset), key: null, headers: {}, timestamp: '0', value: value.kind === 'item' ? encode(Topics.EventsResolved, value.item) : null },
        value,
      }));
      ctx.records.push(...records);
      if (topic === Topics.IdentityMerges) await changes.apply(ctx, records, metrics);
      else await items.apply(ctx, records);
    });
  }

  const fold = (list: readonly ResolvedItem[]): ProfileState => list.reduce((s, item) => joinProfileState(s, observeItem(item, config)), emptyProfileState());

  it('random streams, random batches, an optional merge at a random point', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(itemSpecArbitrary, fc.boolean()), { minLength: 1, maxLength: 16 }),
        fc.nat(),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 16, maxLength: 16 }),
        fc.option(fc.nat(), { nil: null }),
        async (specs, seed, batchSizes, mergeAfter) => {
          run += 1;
          const [left, right] = [`r${run}-a`, `r${run}-b`];
          const all = specs.map(([spec, onLeft], index) => buildItem(spec, `r${run}-m${index.toString().padStart(2, '0')}`, onLeft ? left : right, `run${run}.io`));
          const order = shuffle(all, seed);
          const mergeAt = mergeAfter === null ? -1 : mergeAfter % (order.length + 1);
          let position = 0;
          for (let batch = 0; position <= order.length; batch++) {
            if (position === mergeAt) {
              await applySlice(Topics.IdentityMerges, [{ kind: 'identity_change', change: { changeId: `r${run}-merge`, kind: 'merge', survivorProfileId: left, absorbedProfileId: right, rule: 'test', causingMessageId: null, identifiers: [], movedMessageIds: [], detail: null, at: 0 } }]);
            }
            if (position === order.length) break;
            const size = Math.min(batchSizes[batch % batchSizes.length], order.length - position, mergeAt > position ? mergeAt - position : Infinity);
            await applySlice(Topics.EventsResolved, order.slice(position, position + size).map((item) => ({ kind: 'item' as const, item })));
            position += size;
          }

          const stored = await loadProfileSnapshots(pool, [left, right]);
          const expectedStates = mergeAt >= 0
            ? new Map([[left, fold(all)]])
            : new Map([[left, fold(all.filter((i) => i.profileId === left))], [right, fold(all.filter((i) => i.profileId === right))]]);
          const best = assignBestEmails([...expectedStates].flatMap(([profileId, state]) => [...state.emails].map(([email, provenance]) => ({ email, profileId, provenance }))));
          for (const [profileId, state] of expectedStates) {
            const snapshot = stored.get(profileId);
            if (state.itemCount === 0) continue;
            expect(snapshot && segmentableValues(snapshot.state, snapshot.bestEmail)).toEqual(segmentableValues(state, best.get(profileId) ?? null));
          }
          if (mergeAt >= 0) expect(stored.get(right)?.status).toBe('merged');
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
