import { encode, Topics } from '@tessera/contracts';
import { createServiceDataSource } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { trackItem } from '../test-support/test-items.fixture';
import { ItemIdentityBySource1732800000100 } from './item-identity-by-source.migration';
import { PROFILE_MERGER_MIGRATIONS } from './migrations';

describe('ItemIdentityBySource migration', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema('merger_item_identity');
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("backfills each logged item's source from its payload and keys the log by (profile, source, message)", async () => {
    const index = PROFILE_MERGER_MIGRATIONS.indexOf(ItemIdentityBySource1732800000100);
    const old = await createServiceDataSource({
      url: schema.url,
      schema: schema.schema,
      migrations: PROFILE_MERGER_MIGRATIONS.slice(0, index),
    });
    await old.destroy();
    const logged = [
      trackItem({ messageId: 'm-1', sourceId: 'web', at: 1, event: 'A', profileId: 'p-1' }),
      trackItem({ messageId: 'm-2', sourceId: 'app', at: 2, event: 'B', profileId: 'p-1' }),
    ];
    for (const item of logged) {
      await schema.pool.query('INSERT INTO profile_items (profile_id, message_id, occurred_at_ms, payload) VALUES ($1, $2, $3, $4)', [
        item.profileId,
        item.messageId,
        item.occurredAt,
        encode(Topics.EventsResolved, item),
      ]);
    }

    const migrated = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    await migrated.destroy();
    const { rows } = await schema.pool.query('SELECT profile_id, source_id, message_id FROM profile_items ORDER BY message_id');
    expect(rows).toEqual([
      { profile_id: 'p-1', source_id: 'web', message_id: 'm-1' },
      { profile_id: 'p-1', source_id: 'app', message_id: 'm-2' },
    ]);
    // the same message id from another source is another item now
    await schema.pool.query(
      "INSERT INTO profile_items (profile_id, source_id, message_id, occurred_at_ms, payload) VALUES ('p-1', 'app', 'm-1', 3, '\\x00')",
    );
    expect((await schema.pool.query('SELECT count(*)::int AS n FROM profile_items')).rows[0].n).toBe(3);
  });
});
