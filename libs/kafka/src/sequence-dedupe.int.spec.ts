import { createTestSchema, type TestSchema } from '@tessera/testing';
import type { Pool, PoolClient } from 'pg';
import { Registry } from 'prom-client';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { MessageHeaders } from './message-headers';
import { OutboxRelay } from './outbox-relay';
import { formatOutboxSequence, parseOutboxSequence, type OutboxSequence } from './outbox-sequence';
import { writeOutbox, type OutboxEntry } from './outbox-writer';
import { inTransaction } from './sql-client';
import { ok } from './step-result';
import { CrashBeforeMarkRelay, roundWithRows } from './test-support/crash-before-mark-relay';
import { waitFor } from './test-support/int-helpers';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { RecordingPublisher } from './test-support/recording-publisher';

function entries(values: number[], key = (n: number) => `k${n % 5}`): OutboxEntry[] {
  return values.map((n) => ({ topic: 'out', message: { key: key(n), value: String(n) } }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function batch(messages: readonly InboundMessage[]): ConsumedBatch {
  return { groupId: 'downstream', topic: 'out', partition: 0, highWatermark: String(messages.length), messages, heartbeat: async () => undefined };
}

function relayed(offset: number, value: number, seq: OutboxSequence | undefined, id = `id-${value}`): InboundMessage {
  const headers: Record<string, string> = { [MessageHeaders.messageId]: id };
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

  it('applies a round republished after a relay crash once, with no inbox row per message', async () => {
    await inTransaction(db.pool, (tx) => writeOutbox(tx, entries(range(0, 60))));
    const publisher = new RecordingPublisher();
    const relay = new CrashBeforeMarkRelay({ pool: db.pool, publisher, batchSize: 20 });
    await expect(roundWithRows(relay)).rejects.toThrow('simulated crash');
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
    expect(await count('kafka_inbox')).toBe(0);
    // One mark per lane the messages used (keys k0..k4), however many messages.
    expect(await count('kafka_inbox_sequences')).toBeLessThanOrEqual(5);
  });

  it('catches a replay inside one batch (..., 98, 99, 100, 50, 51, ...)', async () => {
    const seq = (pos: number): OutboxSequence => ({ origin: 'o1', lane: 3, xid: 900n, pos: BigInt(pos) });
    const messages = [...range(95, 101), ...range(50, 53), 101].map((n, offset) => relayed(offset, n, seq(n)));
    const outcome = await processor().handleBatch(batch(messages));
    expect(outcome).toMatchObject({ ok: 7, duplicate: 3 });
    expect((await db.pool.query('SELECT n FROM applied ORDER BY n')).rows.map((r) => r.n)).toEqual([...range(95, 102)]);
    const marks = await db.pool.query('SELECT origin, lane, last_xid, last_pos FROM kafka_inbox_sequences');
    expect(marks.rows).toEqual([{ origin: 'o1', lane: 3, last_xid: '900', last_pos: '101' }]);
  });

  it('still dedupes messages without a sequence header on their message id, in the same batch as relayed ones', async () => {
    const seq = (xid: bigint): OutboxSequence => ({ origin: 'o1', lane: 0, xid, pos: 1n });
    const p = processor();
    await p.handleBatch(batch([relayed(0, 1, seq(10n)), relayed(1, 2, undefined), relayed(2, 3, undefined)]));
    // Replays of both kinds, mixed with new messages of both kinds.
    const outcome = await p.handleBatch(batch([relayed(3, 1, seq(10n)), relayed(4, 2, undefined), relayed(5, 4, seq(11n)), relayed(6, 5, undefined), relayed(7, 3, undefined)]));
    expect(outcome).toMatchObject({ ok: 2, duplicate: 3 });
    expect(await applied()).toEqual({ n: 5, max: 1 });
    expect((await db.pool.query('SELECT message_id FROM kafka_inbox ORDER BY message_id')).rows.map((r) => r.message_id)).toEqual(['id-2', 'id-3', 'id-5']);
  });

  it('keeps a mark per origin: lower xids of another outbox are not duplicates', async () => {
    const p = processor();
    await p.handleBatch(batch([relayed(0, 1, { origin: 'old', lane: 2, xid: 5_000_000n, pos: 10_240n })]));
    // A recreated database (new origin) starts its xid counter again, and its row ids too.
    const outcome = await p.handleBatch(batch([relayed(1, 2, { origin: 'new', lane: 2, xid: 700n, pos: 1_024n }), relayed(2, 3, { origin: 'new', lane: 2, xid: 701n, pos: 0n })]));
    expect(outcome).toMatchObject({ ok: 2, duplicate: 0 });
    expect(await applied()).toEqual({ n: 3, max: 1 });
  });

  it('does not dedupe at all when dedupeByMessageId is off', async () => {
    const p = new ExactlyOnceProcessor<number>({ pool: db.pool, groupId: 'downstream', service: 'test', dedupeByMessageId: false, apply: async () => undefined });
    const seq: OutboxSequence = { origin: 'o1', lane: 0, xid: 10n, pos: 1n };
    const outcome = await p.handleBatch(batch([relayed(0, 1, seq), relayed(1, 1, seq)]));
    expect(outcome).toMatchObject({ ok: 2, duplicate: 0 });
    expect(await count('kafka_inbox_sequences')).toBe(0);
  });

  it('holds back rows committed behind a running older writer, then publishes both in (xid, id) order and drops nothing', async () => {
    const sameKey = () => 'customer-1';
    // A takes its xid and writes first (lower id, lower xid), but commits last.
    const a = await openTransaction(db.pool);
    await writeOutbox(a.client, entries([1, 2], sameKey));
    await inTransaction(db.pool, (tx) => writeOutbox(tx, entries([3, 4], sameKey)));
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher });
    expect(await relay.publishRound()).toBe(0); // B is committed, but ordered after A, which may still commit
    await a.end('COMMIT');
    expect(await relay.drain()).toBe(4);
    expect(publisher.published.map((p) => Number(String(p.message.value)))).toEqual([1, 2, 3, 4]);

    // Then a writer that commits out of id order: C gets its xid first, D writes and commits, C writes last.
    const c = await openTransaction(db.pool);
    await c.client.query('SELECT pg_current_xact_id()');
    await inTransaction(db.pool, (tx) => writeOutbox(tx, entries([6], sameKey)));
    expect(await relay.publishRound()).toBe(0);
    await writeOutbox(c.client, entries([5], sameKey));
    await c.end('COMMIT');
    await relay.drain();
    // C's row has the larger id but the smaller xid: published first, so its sequence is below D's.
    expect(publisher.published.map((p) => Number(String(p.message.value)))).toEqual([1, 2, 3, 4, 5, 6]);
    const seqs = publisher.asConsumed().map((m) => parseOutboxSequence(m.headers[MessageHeaders.sequence])!);
    expect(new Set(seqs.map((s) => `${s.origin}:${s.lane}`)).size).toBe(1);

    const outcome = await processor().handleBatch(batch(publisher.asConsumed()));
    expect(outcome).toMatchObject({ ok: 6, duplicate: 0 });
    expect(await applied()).toEqual({ n: 6, max: 1 });
  });

  it('orders writer xids as numbers across a digit boundary (99 before 100), so nothing is dropped', async () => {
    await inTransaction(db.pool, (tx) => writeOutbox(tx, entries([1, 2, 3], () => 'same-key')));
    // Make the rows look written by transactions 100 (the older row id) and 99 (the newer): both settled, even in
    // a fresh cluster (initdb alone uses several hundred xids).
    await db.pool.query(`UPDATE kafka_outbox_batches SET xid = '100'`);
    await inTransaction(db.pool, (tx) => writeOutbox(tx, entries([0], () => 'same-key')));
    await db.pool.query(`UPDATE kafka_outbox_batches SET xid = '99' WHERE xid <> '100'`);
    const publisher = new RecordingPublisher();
    await new OutboxRelay({ pool: db.pool, publisher }).drain();
    expect(publisher.published.map((p) => Number(String(p.message.value)))).toEqual([0, 1, 2, 3]);
    expect(await processor().handleBatch(batch(publisher.asConsumed()))).toMatchObject({ ok: 4, duplicate: 0 });
  });

  it('a running relay publishes held-back rows soon after the older writer ends, with no NOTIFY and a long poll', async () => {
    const publisher = new RecordingPublisher();
    const registry = new Registry();
    const relay = new OutboxRelay({ pool: db.pool, publisher, pollIntervalMs: 60_000, registry, service: 'seq_test' });
    const heldBackSeconds = async () => (await registry.getSingleMetric('tessera_seq_test_outbox_held_back_seconds')!.get()).values[0]?.value ?? 0;
    await relay.start();
    const idle = await openTransaction(db.pool);
    try {
      // An older transaction that writes no outbox row: its end announces nothing.
      await idle.client.query('SELECT pg_current_xact_id()');
      await inTransaction(db.pool, (tx) => writeOutbox(tx, entries([1, 2, 3])));
      await new Promise((r) => setTimeout(r, 200));
      expect(publisher.published).toHaveLength(0);
      expect(await heldBackSeconds()).toBeGreaterThan(0.1);
      const { rows } = await db.pool.query<{ xid: string }>('SELECT max(xid)::text AS xid FROM kafka_outbox_batches');
      await idle.end('ROLLBACK');
      // The horizon is cluster-wide: a transaction of another test file sharing this Postgres may hold the rows
      // back a little longer. "Soon" is measured from the moment nothing older than them is running any more.
      const settled = async () => (await db.pool.query<{ settled: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS settled', [rows[0].xid],
      )).rows[0].settled;
      expect(await waitFor(settled, 60_000, 10)).toBe(true);
      const started = Date.now();
      expect(await waitFor(() => publisher.published.length === 3, 5_000, 10)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await waitFor(async () => (await heldBackSeconds()) === 0, 1_000, 10)).toBe(true);
    } finally {
      await relay.stop();
    }
  }, 90_000);

  it('publishes legacy plain rows without a sequence header, and replaces a sequence header copied into a packed row', async () => {
    await db.pool.query(
      `INSERT INTO kafka_outbox (message_id, topic, lane, key, value, headers)
       VALUES ('legacy-1', 'out', 3, 'k', 'old', '{"tessera-msg-id":"legacy-1","tessera-seq":"stale:3:1:1"}')`,
    );
    await inTransaction(db.pool, (tx) => writeOutbox(tx, [{ topic: 'out', message: { key: 'k', value: 'new', headers: { [MessageHeaders.sequence]: 'stale:3:1:1' } } }]));
    const publisher = new RecordingPublisher();
    await new OutboxRelay({ pool: db.pool, publisher }).drain();
    const [legacy, packed] = publisher.asConsumed();
    expect(legacy.headers[MessageHeaders.sequence]).toBeUndefined();
    const { rows } = await db.pool.query('SELECT origin FROM kafka_outbox_origin');
    expect(parseOutboxSequence(packed.headers[MessageHeaders.sequence])).toMatchObject({ origin: rows[0].origin });
    expect(rows[0].origin).not.toBe('stale');
  });
});
