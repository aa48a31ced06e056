import { createServiceDataSource } from '@tessera/persistence';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import { ExternalIdentifierTypes1732600000001 } from './external-identifier-types.migration';
import { PROFILE_MERGER_MIGRATIONS } from './migrations';

describe('ExternalIdentifierTypes migration', () => {
  let schema: TestSchema;

  beforeAll(async () => {
    schema = await createTestSchema('merger_external_ids');
  });

  afterAll(async () => {
    await schema?.drop();
  });

  it("rewrites external ids stored split at the first colon to the resolver form, keeping a split's row where both exist", async () => {
    const before = PROFILE_MERGER_MIGRATIONS.filter((migration) => migration !== ExternalIdentifierTypes1732600000001);
    const old = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: before });
    await old.destroy();
    await schema.pool.query(`
      INSERT INTO profile_identifiers (id_type, id_value, profile_id, first_seen_ms) VALUES
        ('external', 'ga_client_id:GA1.2.3', 'p-1', 1),
        ('external', 'sf:a:b', 'p-1', 1),
        ('external', 'ga_client_id:GA-split', 'p-old', 1),
        ('external:ga_client_id', 'GA-split', 'p-new', 2),
        ('record_id', 'src:contact:1', 'p-1', 1)`);

    const migrated = await createServiceDataSource({ url: schema.url, schema: schema.schema, migrations: PROFILE_MERGER_MIGRATIONS });
    await migrated.destroy();
    const { rows } = await schema.pool.query('SELECT id_type, id_value, profile_id FROM profile_identifiers ORDER BY id_type, id_value');
    expect(rows).toEqual([
      { id_type: 'external:ga_client_id', id_value: 'GA-split', profile_id: 'p-new' },
      { id_type: 'external:ga_client_id', id_value: 'GA1.2.3', profile_id: 'p-1' },
      { id_type: 'external:sf', id_value: 'a:b', profile_id: 'p-1' },
      { id_type: 'record_id', id_value: 'src:contact:1', profile_id: 'p-1' },
    ]);
  });
});
