import { createTestSchema, eventually, type TestSchema } from '@tessera/testing';
import type { Pool, PoolClient } from 'pg';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { MessageHeaders } from './message-headers';
import { consumerLane } from './outbox-lane';
import { OffsetFence } from './offset-fence';
import { OutboxRelay } from './outbox-relay';
import { formatOutboxSequence, parseOutboxSequence, type OutboxSequence } from './outbox-sequence';
import { writeOutbox, type OutboxEntry } from './outbox-writer';
import { inTransaction, type SqlExecutor } from './sql-client';
import { ok } from './step-result';
import { CrashBeforeMarkRelay } from './test-support/crash-before-mark-relay';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { writeLane, writeOutboxAs } from './test-support/outbox-writes';
import { RecordingPublisher } from './test-support/recording-publisher';

function entries(values: number[], key = (n: number) => `k${n % 5}`): OutboxEntry[] {
  return values.map((n) => ({ topic: 'out', message: { key: key(n), value: String(n) } }));
}

const sameKey = () => 'customer-1';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function batch(messages: readonly InboundMessage[]): ConsumedBatch {
  return {
    groupId: 'downstream',
    topic: 'out',
    partition: 0,
    highWatermark: String(messages.length),
    messages,
    heartbeat: async () => undefined,
  };
}

function relayed(offset: number, value: number, seq: OutboxSequence | undefined): InboundMessage {
  const headers: Record<string, string> = {};
  if (seq) headers[MessageHeaders.sequence] = formatOutboxSequence(seq);
  return { topic: 'out', partition: 0, offset: String(offset), key: null, value: Buffer.from(String(value)), headers, timestamp: '0' };
}

/** Opens a transaction on its own connection and keeps it open until `end` is called. */
async function openTransaction(pool: Pool): Promise<{ client: PoolClient; end: (how: 'COMMIT' | 'ROLLBACK') => Promise<void> }> {
  const client = await pool.connect();
  await client.query('BEGIN');
  return {
    client,
    end: async (how) => {
      await client.query(how);
      client.release();
    },
  };
}

/** Whether some session waits for a lock that the session `pid` holds. */
async function waitsOnLock(pool: Pool, pid: number): Promise<boolean> {
  const { rows } = await pool.query<{ waiting: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))) AS waiting',
    [pid],
  );
  return rows[0].waiting;
}

/** Writes as the slice of input partition `partition` of group upstream, topic in would: under its offset fence. */
async function writeAsConsumer(tx: SqlExecutor, partition: number, values: number[]): Promise<void> {
  const fence = new OffsetFence('upstream', 'in', partition);
  await fence.lock(tx);
  await writeOutbox(tx, consumerLane(fence), entries(values, sameKey));
}

describe('sequence dedupe of relayed messages (Postgres)', () => {
  let db: TestSchema;

  beforeEach(async () => {
    db = await createTestSchema('kafka_seq');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
  });

  afterEach(async () => {
    await db.drop();
  });

  function processor(): ExactlyOnceProcessor<number> {
    return new ExactlyOnceProcessor<number>({
      pool: db.pool,
      groupId: 'downstream',
      service: 'test',
      decode: (m) => ok(Number(m.value?.toString())),
      apply: async (ctx) => {
        await ctx.tx.query(
          `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
          [ctx.records.map((r) => r.value)],
        );
      },
    });
  }

  async function applied(): Promise<{ n: number; max: number | null }> {
    return (await db.pool.query('SELECT count(*)::int AS n, max(times) AS max FROM applied')).rows[0];
  }

  async function count(table: string): Promise<number> {
    return (await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }

  it('applies a round republished after a relay crash once, with no row per message', async () => {
    for (let at = 0; at < 60; at += 10) await writeOutboxAs(db.pool, entries(range(at, at + 10)));
    const publisher = new RecordingPublisher();
    const relay = new CrashBeforeMarkRelay({ pool: db.pool, publisher, batchSize: 20 });
    await expect(relay.publishRound()).rejects.toThrow('simulated crash');
    const firstRound = publisher.published.length;
    expect(firstRound).toBeGreaterThanOrEqual(20);
    await relay.drain();
    expect(publisher.published).toHaveLength(60 + firstRound);

    const consumed = publisher.asConsumed();
    expect(consumed.every((m) => parseOutboxSequence(m.headers[MessageHeaders.sequence]) !== undefined)).toBe(true);
    // Split into slices so the republished copies arrive in a later batch than the originals, as they would.
    const p = processor();
    let duplicate = 0;
    for (let at = 0; at < consumed.length; at += 7) duplicate += (await p.handleBatch(batch(consumed.slice(at, at + 7)))).duplicate;
    expect(duplicate).toBe(firstRound);
    expect(await applied()).toEqual({ n: 60, max: 1 });
    // One mark for the one lane, however many messages.
    expect(await count('kafka_inbox_sequences')).toBe(1);
  });

  it('catches a replay inside one batch (..., 98, 99, 100, 50, 51, ...)', async () => {
    const seq = (pos: number): OutboxSequence => ({ origin: 'o1', lane: 'c:g:t:3', pos: BigInt(pos) });
    const messages = [...range(95, 101), ...range(50, 53), 101].map((n, offset) => relayed(offset, n, seq(n)));
    const outcome = await processor().handleBatch(batch(messages));
    expect(outcome).toMatchObject({ ok: 7, duplicate: 3 });
    expect((await db.pool.query('SELECT n FROM applied ORDER BY n')).rows.map((r) => r.n)).toEqual([...range(95, 102)]);
    const marks = await db.pool.query('SELECT origin, lane, last_pos FROM kafka_inbox_sequences');
    expect(marks.rows).toEqual([{ origin: 'o1', lane: 'c:g:t:3', last_pos: '101' }]);
  });

  it('passes messages without a sequence header through, in the same batch as relayed ones it dedupes', async () => {
    const seq = (pos: bigint): OutboxSequence => ({ origin: 'o1', lane: 'w:a', pos });
    const p = processor();
    await p.handleBatch(batch([relayed(0, 1, seq(10n)), relayed(1, 2, undefined)]));
    // A relayed copy is dropped by its mark; a direct producer's message is applied again at a new offset: only
    // its consumer can tell a repeat by content (validation's dedupe key), so the runtime keeps no row per message.
    const outcome = await p.handleBatch(
      batch([relayed(2, 1, seq(10n)), relayed(3, 4, seq(11n)), relayed(4, 5, undefined), relayed(5, 2, undefined)]),
    );
    expect(outcome).toMatchObject({ ok: 3, duplicate: 1 });
    expect((await db.pool.query('SELECT n, times FROM applied ORDER BY n')).rows.map((r) => [r.n, r.times])).toEqual([
      [1, 1],
      [2, 2],
      [4, 1],
      [5, 1],
    ]);
  });

  it('keeps a mark per origin and lane: lower positions of another outbox or lane are not duplicates', async () => {
    const p = processor();
    await p.handleBatch(batch([relayed(0, 1, { origin: 'old', lane: 'w:a', pos: 10_240n })]));
    // A recreated database (new origin) starts its row ids again; another lane has positions of its own.
    const outcome = await p.handleBatch(
      batch([relayed(1, 2, { origin: 'new', lane: 'w:a', pos: 1_024n }), relayed(2, 3, { origin: 'old', lane: 'w:b', pos: 0n })]),
    );
    expect(outcome).toMatchObject({ ok: 2, duplicate: 0 });
    expect(await applied()).toEqual({ n: 3, max: 1 });
  });

  it('two transactions of one writer lane (a slow one, a fast one after it) lose nothing to the marks', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher });
    // The slow one locks the lane and writes, and stays open.
    const slow = await openTransaction(db.pool);
    const { rows } = await slow.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await writeLane(slow.client, entries([1, 2], sameKey), 'replay');
    // The fast one of the same lane must wait for the lane: rows it wrote now would go out before the slow one's
    // and raise the consumer's mark above them.
    let fastDone = false;
    const fast = writeOutboxAs(db.pool, entries([3, 4], sameKey), 'replay').then(() => (fastDone = true));
    await eventually(async () => fastDone || (await waitsOnLock(db.pool, rows[0].pid)), 10_000, 'condition', 10);
    // Another lane meanwhile flows.
    await writeOutboxAs(db.pool, entries([9], sameKey), 'other');
    await relay.drain();
    await slow.end('COMMIT');
    await fast;
    await relay.drain();

    // Delivered as a consumer would see them: each relay round in a slice of its own.
    const consumer = processor();
    const consumed = publisher.asConsumed();
    let duplicate = 0;
    for (const one of consumed) duplicate += (await consumer.handleBatch(batch([one]))).duplicate;
    expect(duplicate).toBe(0);
    expect(await applied()).toEqual({ n: 5, max: 1 });
    expect(fastDone).toBe(true);
    expect(publisher.published.map((p) => Number(String(p.message.value)))).toEqual([9, 1, 2, 3, 4]);
  });

  it('rows of different consumer lanes that commit out of id order are all delivered once', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher });
    // Partition 0's slice writes first (smaller ids) and commits last; partition 1's writes and commits between.
    const first = await openTransaction(db.pool);
    await writeAsConsumer(first.client, 0, [1, 2]);
    await inTransaction(db.pool, (tx) => writeAsConsumer(tx, 1, [3, 4]));
    expect(await relay.drain()).toBe(2);
    await first.end('COMMIT');
    await inTransaction(db.pool, (tx) => writeAsConsumer(tx, 1, [5]));
    expect(await relay.drain()).toBe(3);
    expect(publisher.published.map((p) => Number(String(p.message.value)))).toEqual([3, 4, 1, 2, 5]);
    const lanes = publisher.asConsumed().map((m) => parseOutboxSequence(m.headers[MessageHeaders.sequence])!.lane);
    expect(lanes).toEqual(['c:upstream:in:1', 'c:upstream:in:1', 'c:upstream:in:0', 'c:upstream:in:0', 'c:upstream:in:1']);

    const consumer = processor();
    const consumed = publisher.asConsumed();
    let applies = 0;
    for (const one of consumed) applies += (await consumer.handleBatch(batch([one]))).ok;
    expect(applies).toBe(5);
    expect(await applied()).toEqual({ n: 5, max: 1 });
  });

  it('replaces a sequence header copied into an outbox message with its own', async () => {
    await writeOutboxAs(db.pool, [
      { topic: 'out', message: { key: 'k', value: 'new', headers: { [MessageHeaders.sequence]: 'stale:w:x:1' } } },
    ]);
    const publisher = new RecordingPublisher();
    await new OutboxRelay({ pool: db.pool, publisher }).drain();
    const [packed] = publisher.asConsumed();
    const { rows } = await db.pool.query('SELECT origin FROM kafka_outbox_origin');
    expect(parseOutboxSequence(packed.headers[MessageHeaders.sequence])).toMatchObject({ origin: rows[0].origin, lane: 'w:test' });
    expect(rows[0].origin).not.toBe('stale');
  });
});
