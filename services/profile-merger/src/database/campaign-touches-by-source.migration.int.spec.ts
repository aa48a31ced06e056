import { encode, Topics } from '@tessera/contracts';
import { createServiceDataSource } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { trackItem } from '../test-support/test-items.fixture';
import { CampaignTouchesBySource1733500000101 } from './campaign-touches-by-source.migration';
import { PROFILE_MERGER_MIGRATIONS } from './migrations';

describe('CampaignTouchesBySource migration', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema('merger_touch_identity');
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("backfills each touch's source from the item log, keys the history by (profile, source, message), and keeps a second source's touch", async () => {
    const index = PROFILE_MERGER_MIGRATIONS.indexOf(CampaignTouchesBySource1733500000101);
    const old = await createServiceDataSource({
      url: schema.url,
      schema: schema.schema,
      migrations: PROFILE_MERGER_MIGRATIONS.slice(0, index),
    });
    await old.destroy();
    // m-2 is logged from two sources; the stored touch is the app one (its time)
    const logged = [
      trackItem({ messageId: 'm-1', sourceId: 'web', at: 1, event: 'A', profileId: 'p-1' }),
      trackItem({ messageId: 'm-2', sourceId: 'web', at: 2, event: 'B', profileId: 'p-1' }),
      trackItem({ messageId: 'm-2', sourceId: 'app', at: 3, event: 'B', profileId: 'p-1' }),
    ];
    for (const item of logged) {
      await schema.pool.query(
        'INSERT INTO profile_items (profile_id, source_id, message_id, occurred_at_ms, payload) VALUES ($1, $2, $3, $4, $5)',
        [item.profileId, item.sourceId, item.messageId, item.occurredAt, encode(Topics.EventsResolved, item)],
      );
    }
    await schema.pool.query(
      "INSERT INTO profile_campaign_touches (profile_id, message_id, occurred_at_ms, utm_source) VALUES ('p-1', 'm-1', 1, 'google'), ('p-1', 'm-2', 3, 'newsletter')",
    );

    const migrated = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    await migrated.destroy();
    const { rows } = await schema.pool.query('SELECT profile_id, source_id, message_id FROM profile_campaign_touches ORDER BY message_id');
    expect(rows).toEqual([
      { profile_id: 'p-1', source_id: 'web', message_id: 'm-1' },
      { profile_id: 'p-1', source_id: 'app', message_id: 'm-2' },
    ]);
    await schema.pool.query(
      "INSERT INTO profile_campaign_touches (profile_id, source_id, message_id, occurred_at_ms, utm_source) VALUES ('p-1', 'web', 'm-2', 2, 'google')",
    );
    expect((await schema.pool.query('SELECT count(*)::int AS n FROM profile_campaign_touches')).rows[0].n).toBe(3);
  });
});
