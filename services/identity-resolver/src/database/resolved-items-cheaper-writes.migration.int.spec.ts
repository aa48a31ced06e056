import { createTestSchema, type TestSchema } from '@tessera/testing';
import { IdentitySplitTables1732400000001 } from './identity-split-tables.migration';
import { ResolvedItemsCheaperWrites1732700000200 } from './resolved-items-cheaper-writes.migration';

describe('ResolvedItemsCheaperWrites1732700000200 (Postgres)', () => {
  let db: TestSchema;
  let runner: never;

  beforeAll(async () => {
    db = await createTestSchema('resolved_items_migration');
    runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as never;
    await new IdentitySplitTables1732400000001().up(runner);
  });
  afterAll(() => db?.drop());

  const indexes = async () =>
    (
      await db.pool.query<{ def: string }>(
        "SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'resolved_items' AND schemaname = current_schema() ORDER BY indexname",
      )
    ).rows.map((row) => row.def.replace(/ ON \S+ /, ' ON '));

  it('keeps the rows, re-keys the primary key on (message_id, source_id) and drops the resolved_at index; down restores both', async () => {
    await db.pool.query(
      `INSERT INTO resolved_items VALUES ('web', 'm1', 'event', '["a"]', now()), ('crm', 'm1', 'record', '["b"]', now())`,
    );
    await new ResolvedItemsCheaperWrites1732700000200().up(runner);
    expect(await indexes()).toEqual([
      'CREATE INDEX resolved_items_identifier_keys_idx ON USING gin (identifier_keys)',
      'CREATE UNIQUE INDEX resolved_items_pkey ON USING btree (message_id, source_id)',
    ]);
    // The writer's ON CONFLICT still finds the key: a redelivered item is skipped, not an error.
    await db.pool.query(
      `INSERT INTO resolved_items VALUES ('web', 'm1', 'event', '["c"]', now()) ON CONFLICT (message_id, source_id) DO NOTHING`,
    );
    const { rows } = await db.pool.query('SELECT source_id, message_id, identifier_keys FROM resolved_items ORDER BY source_id');
    expect(rows).toEqual([
      { source_id: 'crm', message_id: 'm1', identifier_keys: ['b'] },
      { source_id: 'web', message_id: 'm1', identifier_keys: ['a'] },
    ]);

    await new ResolvedItemsCheaperWrites1732700000200().down(runner);
    expect(await indexes()).toEqual([
      'CREATE INDEX resolved_items_identifier_keys_idx ON USING gin (identifier_keys)',
      'CREATE UNIQUE INDEX resolved_items_pkey ON USING btree (source_id, message_id)',
      'CREATE INDEX resolved_items_resolved_at_idx ON USING btree (resolved_at)',
    ]);
  });
});
