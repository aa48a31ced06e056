import { randomUUID } from 'node:crypto';
import { preferIndexPlans } from '@tessera/persistence';
import { createTestSchema, genericPlanWork, type TestSchema } from '@tessera/testing';
import type { PoolClient } from 'pg';
import { IDENTITY_RESOLVER_MIGRATIONS } from '../database/migrations';
import type { Identifier } from '../resolution/identifier';
import { IdentityResolver } from '../resolution/identity-resolver';
import { RuleBook } from '../resolution/rule-book';
import { IdentityRulesRepository } from '../rules/identity-rules.repository';
import { IdentityGraphStore } from './identity-graph.store';
import type { ResolvedChange } from './resolved-change';

const anonymous = (value: string): Identifier => ({ type: 'anonymous_id', value });

/**
 * The plans of a merging slice when the statistics of `profiles` were taken before its first merge, as
 * autovacuum's analyze leaves them while a fresh deployment's first logins arrive (docs/benchmarks.md: one
 * redirect statement walked every merged profile once per merge of the slice, 39 s of Postgres time in a
 * 50,000-event run).
 */
describe('IdentityGraphStore merge plans on stale statistics (Postgres)', () => {
  let db: TestSchema;
  const store = new IdentityGraphStore();
  const rulesRepository = new IdentityRulesRepository();

  beforeAll(async () => {
    db = await createTestSchema('identity_merge_plan');
    const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as never;
    for (const Migration of IDENTITY_RESOLVER_MIGRATIONS.filter((m) => !m.name.startsWith('Kafka'))) await new Migration().up(runner);
    await db.pool.query('ALTER TABLE profiles SET (autovacuum_enabled = false)');
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Resolves the items as one slice in one transaction, as the consumer does; returns what it ran, before COMMIT. */
  async function slice(
    client: PoolClient,
    items: ReadonlyArray<readonly Identifier[]>,
  ): Promise<Array<{ text: string; values?: unknown[] }>> {
    const statements: Array<{ text: string; values?: unknown[] }> = [];
    const tx = {
      query: (text: string, values?: unknown[]) => {
        statements.push({ text, values });
        return client.query(text, values);
      },
    } as unknown as PoolClient;
    await preferIndexPlans(client);
    const rules = new RuleBook(await rulesRepository.list(client));
    const resolver = new IdentityResolver(rules);
    const graph = await store.lockAndLoad(tx, items.flat(), rules);
    const at = new Date();
    const changes: ResolvedChange[] = items.map((identifiers, index) => {
      const resolution = resolver.resolve(identifiers, graph, { newProfileId: randomUUID, now: at.getTime() });
      return {
        sourceId: 'test',
        kind: 'event',
        messageId: `m-${index}-${randomUUID()}`,
        resolution,
        mergeChangeIds: resolution.merges.map(() => randomUUID()),
      };
    });
    await store.persist(tx, changes, graph, at);
    return statements;
  }

  it('probes by key in every statement of a merging slice, whichever join the planner prefers', async () => {
    const pairs = 300;
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await slice(
        client,
        Array.from({ length: 2 * pairs }, (_, i) => [anonymous(`device-${i}`)]),
      );
      await client.query('COMMIT');
      await client.query('ANALYZE profiles');
      // Merged profiles the statistics have not seen (absorbed earlier, into profiles this slice does not touch).
      await client.query(
        `INSERT INTO profiles (profile_id, created_at, merged_into, merged_at)
         SELECT gen_random_uuid(), now(), gen_random_uuid(), now() FROM generate_series(1, 5000)`,
      );

      await client.query('BEGIN');
      const statements = await slice(
        client,
        Array.from({ length: pairs }, (_, i) => [anonymous(`device-${2 * i}`), anonymous(`device-${2 * i + 1}`)]),
      );
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM profiles WHERE merged_into IS NOT NULL');
      expect(rows[0].n).toBe(5000 + pairs);
      const texts = statements.map(({ text }) => text);
      expect(await genericPlanWork(client, texts)).toEqual({ asPlanned: [], nestedLoops: [] });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  });
});
