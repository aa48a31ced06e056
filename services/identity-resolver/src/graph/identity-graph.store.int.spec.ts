import { randomUUID } from 'node:crypto';
import { createTestSchema, type TestSchema } from '@tessera/testing';
import type { PoolClient } from 'pg';
import { IDENTITY_RESOLVER_MIGRATIONS } from '../database/migrations';
import { identifierKey, type Identifier } from '../resolution/identifier';
import { IdentityResolver } from '../resolution/identity-resolver';
import { RuleBook } from '../resolution/rule-book';
import { IdentityRulesRepository } from '../rules/identity-rules.repository';
import { IdentityGraphStore } from './identity-graph.store';
import type { ResolvedChange } from './resolved-change';
import { IdentityLockContentionError } from './identity-lock-contention.error';
import { profileLockKey } from './identity-lock-keys';

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Item {
  messageId: string;
  identifiers: Identifier[];
}

describe('IdentityGraphStore under parallel instances (Postgres)', () => {
  let db: TestSchema;
  const store = new IdentityGraphStore();
  const rulesRepository = new IdentityRulesRepository();

  beforeAll(async () => {
    db = await createTestSchema('identity_graph');
    const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as never;
    // The resolver's own tables only: the Kafka exactly-once tables are not used here.
    for (const Migration of IDENTITY_RESOLVER_MIGRATIONS.filter((m) => !m.name.startsWith('Kafka'))) await new Migration().up(runner);
  });

  afterAll(async () => {
    await db?.drop();
  });

  beforeEach(async () => {
    await db.pool.query(
      'TRUNCATE identifiers, profiles, merge_log, identifier_user_ids, suspect_values, identifier_decisions, resolved_items, profile_separations',
    );
  });

  /** One resolver instance: slices of its own queue, each in one transaction, retried on lock contention. */
  async function instance(queue: Item[], sliceSize: number, stats: { retries: number; deadlocks: number }): Promise<void> {
    const client: PoolClient = await db.pool.connect();
    try {
      for (let start = 0; start < queue.length;) {
        const slice = queue.slice(start, start + sliceSize);
        try {
          await client.query('BEGIN');
          const rules = new RuleBook(await rulesRepository.list(client));
          const resolver = new IdentityResolver(rules);
          const graph = await store.lockAndLoad(
            client,
            slice.flatMap((item) => item.identifiers).filter((i) => !rules.isBlocked(i)),
            rules,
          );
          const at = new Date();
          const changes: ResolvedChange[] = [];
          for (const item of slice) {
            const resolution = resolver.resolve(item.identifiers, graph, { newProfileId: randomUUID, now: at.getTime() });
            if (resolution.profileId !== undefined)
              changes.push({
                sourceId: 'test',
                kind: 'event',
                messageId: item.messageId,
                resolution,
                mergeChangeIds: resolution.merges.map(() => randomUUID()),
              });
          }
          await store.persist(client, changes, graph, at);
          await client.query('COMMIT');
          start += sliceSize;
        } catch (err) {
          await client.query('ROLLBACK');
          const code = (err as { code?: string }).code;
          if (code === '40P01') stats.deadlocks++;
          else if (code !== '40001') throw err;
          stats.retries++;
          await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 5)));
        }
      }
    } finally {
      client.release();
    }
  }

  async function partition(): Promise<string[]> {
    const { rows } = await db.pool.query<{ identifier_type: string; value: string; profile_id: string }>(
      'SELECT identifier_type, value, profile_id FROM identifiers',
    );
    const classes = new Map<string, string[]>();
    for (const row of rows)
      classes.set(row.profile_id, [...(classes.get(row.profile_id) ?? []), identifierKey({ type: row.identifier_type, value: row.value })]);
    return [...classes.values()].map((members) => members.sort().join(' | ')).sort();
  }

  function components(items: readonly Item[]): string[] {
    const parent = new Map<string, string>();
    const find = (key: string): string => (parent.get(key) === key ? key : find(parent.get(key)!));
    for (const { identifiers } of items) {
      const keys = identifiers.map(identifierKey);
      for (const key of keys) if (!parent.has(key)) parent.set(key, key);
      for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]));
    }
    const classes = new Map<string, string[]>();
    for (const key of parent.keys()) classes.set(find(key), [...(classes.get(find(key)) ?? []), key]);
    return [...classes.values()].map((members) => members.sort().join(' | ')).sort();
  }

  function spread(items: readonly Item[], instances: number, random: () => number): Item[][] {
    const queues: Item[][] = Array.from({ length: instances }, () => []);
    for (const item of items) queues[Math.floor(random() * instances)].push(item);
    return queues;
  }

  it('four instances on interleaved partitions converge to the connected components, without deadlock', async () => {
    const random = prng(42);
    const people = Array.from({ length: 25 }, (_, p) => [
      ...(random() < 0.7 ? [{ type: 'user_id', value: `u${p}` }] : []),
      { type: 'anonymous_id', value: `a${p}.0` },
      { type: 'anonymous_id', value: `a${p}.1` },
      { type: 'device_id', value: `d${p}` },
      { type: 'email', value: `p${p}@example.com` },
      { type: 'phone', value: `+3361000${String(p).padStart(4, '0')}` },
    ]);
    const items: Item[] = Array.from({ length: 400 }, () => {
      const own = people[Math.floor(random() * people.length)];
      const picked = own.filter(() => random() < 0.4);
      return { messageId: randomUUID(), identifiers: picked.length > 0 ? picked : [own[own.length - 1]] };
    });
    const stats = { retries: 0, deadlocks: 0 };
    await Promise.all(spread(items, 4, random).map((queue) => instance(queue, 8, stats)));

    expect(stats.deadlocks).toBe(0);
    expect(await partition()).toEqual(components(items));
    const { rows: chains } = await db.pool.query(
      'SELECT p.profile_id FROM profiles p JOIN profiles q ON q.profile_id = p.merged_into WHERE q.merged_into IS NOT NULL',
    );
    expect(chains).toEqual([]); // redirects stay one hop deep
    const { rows: dangling } = await db.pool.query(
      'SELECT i.value FROM identifiers i JOIN profiles p USING (profile_id) WHERE p.merged_into IS NOT NULL',
    );
    expect(dangling).toEqual([]); // every identifier points to a live profile
  });

  it('with shared devices and emails in parallel, no profile ever holds two user_ids or more than five emails', async () => {
    const random = prng(7);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const users = Array.from({ length: 8 }, (_, i) => ({ type: 'user_id', value: `u${i}` }));
    const emails = Array.from({ length: 12 }, (_, i) => ({ type: 'email', value: `e${i}@example.com` }));
    const shared = [
      { type: 'device_id', value: 'family-tablet' },
      { type: 'anonymous_id', value: 'kiosk' },
      { type: 'email', value: 'family@example.com' },
    ];
    const anons = Array.from({ length: 10 }, (_, i) => ({ type: 'anonymous_id', value: `a${i}` }));
    const items: Item[] = Array.from({ length: 300 }, () => {
      const identifiers = new Map<string, Identifier>();
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const identifier = pick([pick(users), pick(emails), pick(shared), pick(anons)]);
        identifiers.set(identifierKey(identifier), identifier);
      }
      return { messageId: randomUUID(), identifiers: [...identifiers.values()] };
    });
    const stats = { retries: 0, deadlocks: 0 };
    await Promise.all(spread(items, 4, random).map((queue) => instance(queue, 6, stats)));

    expect(stats.deadlocks).toBe(0);
    const { rows } = await db.pool.query<{ users: number; emails: number }>(
      `SELECT count(*) FILTER (WHERE identifier_type = 'user_id')::int AS users, count(*) FILTER (WHERE identifier_type = 'email')::int AS emails
         FROM identifiers GROUP BY profile_id`,
    );
    expect(Math.max(...rows.map((row) => row.users))).toBeLessThanOrEqual(1);
    expect(Math.max(...rows.map((row) => row.emails))).toBeLessThanOrEqual(5);
    const { rows: suspects } = await db.pool.query<{ value: string }>('SELECT value FROM suspect_values ORDER BY value');
    expect(suspects.map((row) => row.value)).toEqual(expect.arrayContaining(['family-tablet', 'kiosk']));
  });
  describe('an identifier moved by a concurrent merge while waiting', () => {
    const survivor = randomUUID();
    const absorbed = randomUUID();
    const moved = { type: 'anonymous_id', value: 'moved-by-merge' };

    beforeEach(async () => {
      await db.pool.query(`INSERT INTO profiles (profile_id, created_at) VALUES ($1, now() - interval '1 day'), ($2, now())`, [
        survivor,
        absorbed,
      ]);
      await db.pool.query(
        `INSERT INTO identifiers (identifier_type, value, profile_id, first_message_id) VALUES ('anonymous_id', 'moved-by-merge', $1, 'm0'), ('user_id', 'u-s', $2, 'm0')`,
        [absorbed, survivor],
      );
    });

    /** Another instance holding the absorbed profile's lock merges it into the survivor, and commits when told. */
    async function concurrentMerge(): Promise<{ commit: () => Promise<void> }> {
      const merger = await db.pool.connect();
      await merger.query('BEGIN');
      await merger.query('SELECT pg_advisory_xact_lock($1)', [String(profileLockKey(absorbed))]);
      await merger.query('UPDATE identifiers SET profile_id = $1 WHERE profile_id = $2', [survivor, absorbed]);
      await merger.query('UPDATE profiles SET merged_into = $1, merged_at = now() WHERE profile_id = $2', [survivor, absorbed]);
      return {
        commit: async () => {
          await merger.query('COMMIT');
          merger.release();
        },
      };
    }

    it('re-reads after locking and follows the identifier to the survivor', async () => {
      const merge = await concurrentMerge();
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const loading = store.lockAndLoad(client, [moved], new RuleBook());
        await new Promise((resolve) => setTimeout(resolve, 100)); // it now waits for the absorbed profile's lock
        await merge.commit();
        const graph = await loading;
        expect(graph.profileOf(moved)).toBe(survivor);
        expect([...graph.profile(survivor).userIds]).toEqual(['u-s']);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });

    it('retries the slice (SQLSTATE 40001) rather than wait out of order when the survivor is busy', async () => {
      const holder = await db.pool.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [String(profileLockKey(survivor))]);
      const merge = await concurrentMerge();
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        const failure = store.lockAndLoad(client, [moved], new RuleBook()).then(
          () => undefined,
          (err: unknown) => err,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        await merge.commit();
        const error = await failure;
        expect(error).toBeInstanceOf(IdentityLockContentionError);
        expect(error).toMatchObject({ code: '40001' });
        await client.query('ROLLBACK');
      } finally {
        client.release();
        await holder.query('ROLLBACK');
        holder.release();
      }
    });
  });
});
