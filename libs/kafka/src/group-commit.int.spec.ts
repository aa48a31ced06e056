import { createTestSchema, type TestSchema, eventually } from '@tessera/testing';
import type { ApplyContext } from './apply-context';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { MessageHeaders } from './message-headers';
import { readOutboxMessages } from './outbox-rows';
import type { SqlConnection, SqlPool } from './sql-client';
import { ok } from './step-result';
import { installKafkaTables } from './test-support/kafka-test-schema';

const APPLIED_DDL = 'CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL, partition integer NOT NULL)';
const TALLY_DDL = 'CREATE TABLE tally (k text PRIMARY KEY, n integer NOT NULL)';

/** Partition p holds the numbers p*100 + offset, so every message of every partition is a distinct number. */
function slice(partition: number, from: number, to: number, poison?: number): ConsumedBatch {
  const messages: InboundMessage[] = [];
  for (let offset = from; offset < to; offset++) {
    const n = partition * 100 + offset;
    messages.push({
      topic: 'in',
      partition,
      offset: String(offset),
      key: Buffer.from(`k${n}`),
      value: Buffer.from(n === poison ? 'poison' : String(n)),
      headers: {},
      timestamp: String(1_700_000_000_000 + offset),
    });
  }
  return { groupId: 'g', topic: 'in', partition, highWatermark: '1000', messages, heartbeat: async () => undefined };
}

/** The handler throws on the poison record: a bug or bad data the decoder let through, found only in apply. */
async function applyNumbers(ctx: ApplyContext<string>): Promise<void> {
  if (ctx.records.some((r) => r.value === 'poison')) throw new Error('cannot apply poison');
  const numbers = ctx.records.map((r) => Number(r.value));
  await ctx.tx.query(
    `INSERT INTO applied (n, times, partition) SELECT unnest($1::int[]), 1, $2
     ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
    [numbers, ctx.partition],
  );
  for (const n of numbers) ctx.emit('out', { key: `k${n}`, value: String(n) });
}

/** Counts the transactions the processor opens: it takes one pooled connection per transaction. */
function countingPool(pool: SqlPool): SqlPool & { transactions: number } {
  const counting = {
    transactions: 0,
    connect: async (): Promise<SqlConnection> => {
      counting.transactions += 1;
      return pool.connect();
    },
  };
  return counting;
}

describe('group commit: slices of several partitions in one transaction (Postgres)', () => {
  let db: TestSchema;

  beforeEach(async () => {
    db = await createTestSchema('kafka_group');
    await installKafkaTables(db.pool, [APPLIED_DDL, TALLY_DDL]);
  });

  afterEach(async () => {
    await db.drop();
  });

  function processor(pool: SqlPool, apply = applyNumbers, groupCommit = true, groupCommitTransactions = 1): ExactlyOnceProcessor<string> {
    return new ExactlyOnceProcessor<string>({
      pool,
      groupId: 'g',
      service: 'test',
      groupCommit,
      groupCommitTransactions,
      decode: (m) => ok(m.value!.toString()),
      apply,
    });
  }

  async function applied(): Promise<{ n: number; times: number }[]> {
    return (await db.pool.query('SELECT n, times FROM applied ORDER BY n')).rows;
  }

  it('commits the slices handed over together as one transaction, each partition with its own context and lane', async () => {
    const pool = countingPool(db.pool);
    const p = processor(pool);
    const outcomes = await Promise.all([p.handleBatch(slice(2, 0, 5)), p.handleBatch(slice(0, 0, 5)), p.handleBatch(slice(1, 0, 5))]);
    expect(outcomes.map((o) => o.ok)).toEqual([5, 5, 5]);
    expect(pool.transactions).toBe(1);
    // Rows written by one transaction carry its id as xmin.
    const xmins = await db.pool.query(
      `SELECT xmin::text AS x FROM kafka_consumer_offsets UNION SELECT xmin::text FROM applied UNION SELECT xmin::text FROM kafka_outbox_batches`,
    );
    expect(xmins.rows).toHaveLength(1);
    const offsets = await db.pool.query('SELECT partition, next_offset FROM kafka_consumer_offsets ORDER BY partition');
    expect(offsets.rows).toEqual([0, 1, 2].map((partition) => ({ partition, next_offset: '5' })));
    const lanes = await db.pool.query('SELECT lane, message_count FROM kafka_outbox_batches ORDER BY id');
    // One row per lane, in partition order whatever the order of handover.
    expect(lanes.rows).toEqual([0, 1, 2].map((partition) => ({ lane: `c:g:in:${partition}`, message_count: 5 })));
    expect((await applied()).every((r) => r.times === 1)).toBe(true);
    // A redelivery of all three (a crash before the Kafka commits) is skipped as one group too.
    const again = await Promise.all([0, 1, 2].map((partition) => p.handleBatch(slice(partition, 0, 5))));
    expect(again.map((o) => o.skipped)).toEqual([5, 5, 5]);
    expect(pool.transactions).toBe(2);
  });

  it("folds the slices' shared write at commit into the transaction's last statement, once per transaction", async () => {
    const key = {};
    const tallying = async (ctx: ApplyContext<string>) => {
      await applyNumbers(ctx);
      const shared = ctx.shared(key, () => {
        const state = { n: 0 };
        ctx.writeAtCommit(() => ({
          text: 'INSERT INTO tally (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = tally.n + EXCLUDED.n',
          values: ['all', state.n],
        }));
        return state;
      });
      shared.n += ctx.records.length;
    };
    const pool = countingPool(db.pool);
    const p = processor(pool, tallying);
    await Promise.all([0, 1, 2].map((partition) => p.handleBatch(slice(partition, 0, 5))));
    expect(pool.transactions).toBe(1);
    const rows = await db.pool.query('SELECT n, xmin::text = (SELECT xmin::text FROM kafka_outbox_batches LIMIT 1) AS same FROM tally');
    expect(rows.rows).toEqual([{ n: 15, same: true }]);
    // A poison record fails the group: each slice is applied again alone, and only committed slices count.
    await Promise.all([p.handleBatch(slice(0, 5, 10)), p.handleBatch(slice(1, 5, 10, 107)), p.handleBatch(slice(2, 5, 10))]);
    expect((await db.pool.query('SELECT n FROM tally')).rows).toEqual([{ n: 29 }]);
  });

  it('splits what arrived together into groupCommitTransactions transactions, run at once', async () => {
    const pool = countingPool(db.pool);
    const p = processor(pool, applyNumbers, true, 2);
    const outcomes = await Promise.all([0, 1, 2, 3, 4].map((partition) => p.handleBatch(slice(partition, 0, 5))));
    expect(outcomes.map((o) => o.ok)).toEqual([5, 5, 5, 5, 5]);
    expect(pool.transactions).toBe(2);
    const xmins = await db.pool.query('SELECT count(DISTINCT xmin::text)::int AS n FROM kafka_consumer_offsets');
    expect(xmins.rows[0].n).toBe(2);
  });

  it('keeps a group transaction within groupCommitMaxMessages: full slices of a backlog get one each', async () => {
    const pool = countingPool(db.pool);
    const p = new ExactlyOnceProcessor<string>({
      pool,
      groupId: 'g',
      service: 'test',
      groupCommitTransactions: 1,
      groupCommitMaxMessages: 10,
      decode: (m) => ok(m.value!.toString()),
      apply: applyNumbers,
    });
    const outcomes = await Promise.all([p.handleBatch(slice(0, 0, 5)), p.handleBatch(slice(1, 0, 5)), p.handleBatch(slice(2, 0, 10))]);
    expect(outcomes.map((o) => o.ok)).toEqual([5, 5, 10]);
    expect(pool.transactions).toBe(2);
  });

  it('uses a transaction per slice with groupCommit: false', async () => {
    const pool = countingPool(db.pool);
    const p = processor(pool, applyNumbers, false);
    await Promise.all([0, 1, 2].map((partition) => p.handleBatch(slice(partition, 0, 5))));
    expect(pool.transactions).toBe(3);
  });

  it('isolates a poison message of one partition to the DLQ while the other partitions apply exactly once', async () => {
    const p = processor(db.pool);
    const outcomes = await Promise.all([
      p.handleBatch(slice(0, 0, 10)),
      p.handleBatch(slice(1, 0, 10, 104)),
      p.handleBatch(slice(2, 0, 10)),
    ]);
    expect(outcomes).toEqual([
      { ok: 10, dlq: 0, drop: 0, skipped: 0, duplicate: 0 },
      { ok: 9, dlq: 1, drop: 0, skipped: 0, duplicate: 0 },
      { ok: 10, dlq: 0, drop: 0, skipped: 0, duplicate: 0 },
    ]);
    const rows = await applied();
    expect(rows).toHaveLength(29);
    expect(rows.every((r) => r.times === 1)).toBe(true);
    expect(rows.map((r) => r.n)).not.toContain(104);
    const outbox = await readOutboxMessages(db.pool);
    const rejected = outbox.filter((m) => m.topic === 'cdp.events.rejected');
    expect(rejected.map((m) => [m.headers[MessageHeaders.dlqReason], m.headers[MessageHeaders.dlqSourceOffset]])).toEqual([
      ['processing_error', '4'],
    ]);
    expect(outbox.filter((m) => m.topic === 'out')).toHaveLength(29);
    const offsets = await db.pool.query('SELECT partition, next_offset FROM kafka_consumer_offsets ORDER BY partition');
    expect(offsets.rows).toEqual([0, 1, 2].map((partition) => ({ partition, next_offset: '10' })));
  });

  it('fences a zombie that holds one partition of a group: the group waits for it, then skips what it applied', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let zombieInApply = false;
    const zombie = processor(db.pool, async (ctx) => {
      await applyNumbers(ctx);
      zombieInApply = true;
      await held;
    });
    const owner = processor(db.pool);
    // The zombie (the partition's previous owner) is still inside its slice of partition 1, offsets 0..7.
    const zombieDone = zombie.handleBatch(slice(1, 0, 8));
    await eventually(() => zombieInApply, 10_000, 'condition', 10);
    const group = Promise.all([0, 1, 2].map((partition) => owner.handleBatch(slice(partition, 0, 10))));
    const waiting = async () =>
      (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rowCount! > 0;
    await eventually(waiting, 10_000, 'condition', 10);
    release();
    expect(await zombieDone).toMatchObject({ ok: 8 });
    const outcomes = await group;
    expect(outcomes.map((o) => [o.ok, o.skipped])).toEqual([
      [10, 0],
      [2, 8],
      [10, 0],
    ]);
    const rows = await applied();
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.times === 1)).toBe(true);
    expect((await readOutboxMessages(db.pool)).filter((m) => m.topic === 'out')).toHaveLength(30);
  });

  it('two instances grouping overlapping partitions in different orders wait for each other instead of deadlocking', async () => {
    const a = processor(db.pool);
    const b = processor(db.pool);
    await Promise.all([0, 1, 2].map((partition) => a.handleBatch(slice(partition, 0, 1))));
    // A third transaction holds partition 1's row, so both groups stop on it with whatever they locked before.
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query("SELECT 1 FROM kafka_consumer_offsets WHERE group_id = 'g' AND partition = 1 FOR UPDATE");
    const groups = Promise.all([
      Promise.all([0, 1, 2].map((partition) => a.handleBatch(slice(partition, 1, 10)))),
      Promise.all([2, 1, 0].map((partition) => b.handleBatch(slice(partition, 1, 10)))),
    ]);
    const waiting = async () =>
      (await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rowCount ===
      2;
    await eventually(waiting, 10_000, 'condition', 10);
    await blocker.query('COMMIT');
    blocker.release();
    // Locked in handover order, one group would hold 0 and the other 2 once 1 is free: a deadlock, both rejected.
    const [ra, rb] = await groups;
    const total = [...ra, ...rb].reduce((sum, o) => ({ ok: sum.ok + o.ok, skipped: sum.skipped + o.skipped }), { ok: 0, skipped: 0 });
    expect(total).toEqual({ ok: 27, skipped: 27 });
    expect((await applied()).every((r) => r.times === 1)).toBe(true);
  });
});
