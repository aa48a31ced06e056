import { createTestProducer, eventually } from '@tessera/testing';
import { encode, Topics, type ResolvedItem } from '@tessera/contracts';
import type { Pool } from '@tessera/persistence';
import { trackItem } from './test-items.fixture';

const EVENTS = ['Viewed', 'Clicked', 'Order Completed'];

export interface MergerWorkload {
  items: ResolvedItem[];
  /** `<final profile id>|<event name>` -> count, after the merges. */
  expectedCounts: Map<string, number>;
  merges: number;
}

/**
 * `total` track events over `profiles` profiles, and merges of profile 2k+1 into 2k for the first `merges`
 * pairs; produced half, then the merges, then the other half.
 */
export async function produceWorkload(brokers: string[], total: number, profiles: number, merges: number): Promise<MergerWorkload> {
  const expectedCounts = new Map<string, number>();
  const items = Array.from({ length: total }, (_, i) => {
    const profile = i % profiles;
    const name = EVENTS[i % EVENTS.length];
    const survivor = profile % 2 === 1 && profile < merges * 2 ? profile - 1 : profile;
    const key = `p-${survivor}|${name}`;
    expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
    return trackItem({
      profileId: `p-${profile}`,
      messageId: `m-${i}`,
      sourceId: 'web',
      at: Date.UTC(2026, 0, 1) + i,
      event: name,
      revenue: name === 'Order Completed' ? 1 : null,
    });
  });
  const producer = createTestProducer(brokers, 'workload-seed');
  await producer.connect();
  const half = Math.floor(total / 2);
  const send = (slice: ResolvedItem[]) =>
    producer.send({
      topic: Topics.EventsResolved,
      messages: slice.map((item) => ({ key: item.profileId, value: encode(Topics.EventsResolved, item) })),
    });
  for (let i = 0; i < half; i += 500) await send(items.slice(i, Math.min(i + 500, half)));
  await producer.send({
    topic: Topics.IdentityMerges,
    messages: Array.from({ length: merges }, (_, k) => {
      const change = {
        changeId: `chg-${k}`,
        kind: 'merge' as const,
        survivorProfileId: `p-${2 * k}`,
        absorbedProfileId: `p-${2 * k + 1}`,
        rule: 'test',
        identifiers: [],
        at: Date.UTC(2026, 0, 2),
      };
      return { key: change.survivorProfileId, value: encode(Topics.IdentityMerges, change) };
    }),
  });
  for (let i = half; i < total; i += 500) await send(items.slice(i, Math.min(i + 500, total)));
  await producer.disconnect();
  return { items, expectedCounts, merges };
}

/** Items folded so far (0 before the migrations ran). */
export async function appliedItems(pool: Pool): Promise<number> {
  const exists = await pool.query<{ ok: boolean }>("SELECT to_regclass('profiles') IS NOT NULL AS ok");
  if (!exists.rows[0].ok) return 0;
  return Number((await pool.query<{ n: string }>('SELECT COALESCE(sum(item_count), 0) AS n FROM profiles')).rows[0].n);
}

/** Asserts the stored profiles against the workload: counts, merges, item log, orders. */
export async function storedCounts(
  pool: Pool,
): Promise<{ counts: Record<string, number>; merged: number; loggedItems: number; orders: number }> {
  const { rows } = await pool.query<{ profile_id: string; event_name: string; event_count: string }>(
    'SELECT profile_id, event_name, event_count FROM profile_event_counts',
  );
  const merged = await pool.query<{ n: string }>("SELECT count(*) AS n FROM profiles WHERE status = 'merged'");
  const logged = await pool.query<{ n: string }>('SELECT count(*) AS n FROM profile_items');
  const orders = await pool.query<{ n: string }>("SELECT count(*) AS n FROM profile_orders WHERE kind = 'order'");
  return {
    counts: Object.fromEntries(rows.map((row) => [`${row.profile_id}|${row.event_name}`, Number(row.event_count)])),
    merged: Number(merged.rows[0].n),
    loggedItems: Number(logged.rows[0].n),
    orders: Number(orders.rows[0].n),
  };
}

/**
 * Waits until every item and every merge has been applied. Merges arrive on their own topic, so items and merges
 * finish independently and waiting for the items alone races the last merges.
 */
export async function waitUntilCaughtUp(pool: Pool, items: number, merges: number, timeoutMs = 120_000): Promise<void> {
  const caughtUp = async () => (await appliedItems(pool)) >= items && (await storedCounts(pool)).merged >= merges;
  await eventually(caughtUp, timeoutMs, `${items} items and ${merges} merges applied`, 200);
}
