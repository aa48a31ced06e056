import { createTestSchema, runAsAdmin, type TestSchema, eventually } from '@tessera/testing';
import { Pool } from 'pg';
import type { Message } from 'kafkajs';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { headerToString, MessageHeaders } from './message-headers';
import { OUTBOX_MEMORY_KEY_SQL, outboxMemory } from './outbox-memory';
import { OutboxRelay } from './outbox-relay';
import { readOutboxMessages } from './outbox-rows';
import { OutboxRowPacker } from './outbox-batch-codec';
import { lockWriterLane } from './outbox-lane';
import { writePackedOutbox, type OutboxEntry } from './outbox-writer';
import { inTransaction } from './sql-client';
import { CrashBeforeMarkRelay } from './test-support/crash-before-mark-relay';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { writeOutboxAs } from './test-support/outbox-writes';
import { RecordingPublisher } from './test-support/recording-publisher';

function entries(count: number, keys: number): OutboxEntry[] {
  return Array.from({ length: count }, (_, i) => ({ topic: 'out', message: { key: `k${i % keys}`, value: String(i) } }));
}

const sequenceOf = (m: Message) => headerToString(m.headers?.[MessageHeaders.sequence]) as string;

describe('OutboxRelay (Postgres)', () => {
  let db: TestSchema;

  beforeEach(async () => {
    db = await createTestSchema('kafka');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
  });

  afterEach(async () => {
    await db.drop();
  });

  it('two relays publish every row exactly once, in order per key, and empty the outbox', async () => {
    const all = entries(2000, 50);
    // Several lanes and transactions, so rounds interleave lanes.
    for (let at = 0; at < all.length; at += 100) await writeOutboxAs(db.pool, all.slice(at, at + 100), `lane-${at % 300}`);
    const publisher = new RecordingPublisher();
    const relays = [0, 1].map(() => new OutboxRelay({ pool: db.pool, publisher, batchSize: 100 }));
    await Promise.all(relays.map((r) => r.drain()));
    // A relay that found the other one holding the lock returns early; drain again until nothing is left.
    while ((await relays[0].drain()) > 0);
    expect(publisher.published).toHaveLength(2000);
    expect(new Set(publisher.published.map((p) => String(p.message.value)))).toEqual(new Set(all.map((e) => e.message.value)));
    expect(new Set(publisher.published.map((p) => sequenceOf(p.message))).size).toBe(2000);
    const perKey = new Map<string, number[]>();
    for (const { message } of publisher.published) {
      const list = perKey.get(String(message.key)) ?? [];
      list.push(Number(String(message.value)));
      perKey.set(String(message.key), list);
    }
    for (const list of perKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect(await readOutboxMessages(db.pool)).toEqual([]);
  });

  it('publishes the bytes as written: every byte value, a null key, an empty value; a NUL in a header value is replaced', async () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await writeOutboxAs(db.pool, [
      { topic: 'out', message: { key: everyByte, value: Buffer.concat([everyByte, everyByte]) } },
      { topic: 'out', message: { key: null, value: Buffer.alloc(0), headers: { note: 'ünïcode ✓' } } },
      { topic: 'out', message: { key: 'k', value: 'v', headers: { detail: 'bad \u0000 input', note: 'kept' } } },
    ]);
    const publisher = new RecordingPublisher();
    await new OutboxRelay({ pool: db.pool, publisher }).drain();
    const [first, second, third] = publisher.published.map((p) => p.message);
    expect(Buffer.compare(first.key as Buffer, everyByte)).toBe(0);
    expect(Buffer.compare(first.value as Buffer, Buffer.concat([everyByte, everyByte]))).toBe(0);
    expect(second.key).toBeNull();
    expect((second.value as Buffer).length).toBe(0);
    expect(headerToString(second.headers?.note)).toBe('ünïcode ✓');
    expect(headerToString(second.headers?.[MessageHeaders.sequence])).toMatch(/:w:test:/);
    // header values stay free of U+0000 (Postgres text and jsonb refuse it): it becomes U+FFFD, the other headers untouched
    expect(headerToString(third.headers?.detail)).toBe('bad \uFFFD input');
    expect(headerToString(third.headers?.note)).toBe('kept');
  });

  it("publishes this process's rows from memory without reading their bytes back, and rows it does not hold from the table", async () => {
    const memory = outboxMemory((await db.pool.query(`SELECT ${OUTBOX_MEMORY_KEY_SQL} AS key`)).rows[0].key);
    await writeOutboxAs(db.pool, entries(3, 3));
    expect(memory.ids()).toHaveLength(1);
    // Spoil the stored bytes: only a relay that publishes from memory still gets the messages right.
    await db.pool.query(`UPDATE kafka_outbox_batches SET packed = '\\x00'::bytea`);
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher });
    await relay.drain();
    expect(publisher.published.map((p) => String(p.message.value))).toEqual(['0', '1', '2']);
    expect(memory.ids()).toEqual([]);

    // A row this process does not hold (another replica's, or from before a restart) is read from the table.
    await writeOutboxAs(db.pool, [{ topic: 'out', message: { key: 'k', value: 'from the table' } }]);
    memory.forget(memory.ids());
    await relay.drain();
    expect(publisher.published.map((p) => String(p.message.value))).toEqual(['0', '1', '2', 'from the table']);
    expect(headerToString(publisher.published[3].message.headers?.[MessageHeaders.sequence])).toMatch(/:w:test:/);
  });

  it('stores a large row packed ahead with deflate deflated, and a relay that reads it back from the table publishes every message as written', async () => {
    const memory = outboxMemory((await db.pool.query(`SELECT ${OUTBOX_MEMORY_KEY_SQL} AS key`)).rows[0].key);
    const written = Array.from({ length: 500 }, (_, i) => ({
      topic: 'out',
      message: { key: `customer-${i * 7919}`, value: `{"email":"person${(i * 104729) % 99991}@example.org","row":${i}}` },
    }));
    const packer = new OutboxRowPacker({ deflate: true });
    for (const { topic, message } of written) packer.add(topic, message.key, Buffer.from(message.value), {});
    await inTransaction(db.pool, async (tx) => writePackedOutbox(tx, await lockWriterLane(tx, 'bulk'), packer.take()));
    memory.forget(memory.ids());
    const { rows } = await db.pool.query<{ first: number; bytes: number }>(
      `SELECT get_byte(packed, 0) AS first, octet_length(packed) AS bytes FROM kafka_outbox_batches`,
    );
    // 2 marks a deflated row; as packed it is over 30 kB (500 messages of about 70 bytes).
    expect(rows).toEqual([{ first: 2, bytes: expect.any(Number) }]);
    expect(rows[0].bytes).toBeLessThan(20_000);
    const publisher = new RecordingPublisher();
    await new OutboxRelay({ pool: db.pool, publisher }).drain();
    expect(publisher.published.map((p) => [String(p.message.key), String(p.message.value)])).toEqual(
      written.map(({ message }) => [message.key, message.value]),
    );
  });

  it("keeps apart the memories of two databases' outboxes that have the same schema name (their row ids collide)", async () => {
    const database = db.schema; // unique, so parallel suites never share it
    const otherUrl = new URL(db.url);
    otherUrl.pathname = `/${database}`;
    await runAsAdmin(db.url, `CREATE DATABASE "${database}"`);
    await runAsAdmin(otherUrl.toString(), `CREATE SCHEMA "${db.schema}"`);
    const other = new Pool({ connectionString: otherUrl.toString(), options: `-c search_path=${db.schema}`, max: 2 });
    try {
      await installKafkaTables(other);
      // The first row of each outbox: both get id 1, and this process remembers both.
      await writeOutboxAs(db.pool, [{ topic: 'out', message: { key: 'k', value: 'first database' } }]);
      await writeOutboxAs(other, [{ topic: 'out', message: { key: 'k', value: 'second database' } }]);
      const publisher = new RecordingPublisher();
      await new OutboxRelay({ pool: db.pool, publisher }).drain();
      await new OutboxRelay({ pool: other, publisher }).drain();
      expect(publisher.published.map((p) => String(p.message.value))).toEqual(['first database', 'second database']);
    } finally {
      await other.end();
      await runAsAdmin(db.url, `DROP DATABASE "${database}" WITH (FORCE)`);
    }
  });

  it('under a steady flow of commits, takes several transactions in one round (coalesceMs after a busy round)', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher, pollIntervalMs: 60_000, coalesceMs: 500 });
    await relay.start();
    try {
      await writeOutboxAs(db.pool, entries(1, 1));
      await eventually(() => publisher.published.length >= 1, 10_000, 'the first round', 5);
      // Ten commits one after the other while the relay waits out its coalescing window after the first round.
      for (let i = 0; i < 10; i++) await writeOutboxAs(db.pool, [{ topic: 'out', message: { key: `t${i}`, value: String(i) } }]);
      await eventually(() => publisher.published.length >= 11, 10_000, 'eleven messages', 5);
      expect(publisher.published).toHaveLength(11);
      // One round each would be 11; the window gathers the ten (two rounds if the commits outlast it on a busy machine).
      expect(publisher.batchSizes.length).toBeLessThanOrEqual(3);
      expect(publisher.batchSizes[0]).toBe(1);
    } finally {
      await relay.stop();
    }
  });

  it('wakes up on NOTIFY without waiting for the poll interval', async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ pool: db.pool, publisher, pollIntervalMs: 60_000 });
    await relay.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await writeOutboxAs(db.pool, entries(3, 3));
      while (publisher.published.length < 3 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
      expect(publisher.published).toHaveLength(3);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await relay.stop();
    }
  });

  it('a crash between publish and mark republishes the rows, and the consuming processor applies them once', async () => {
    for (let at = 0; at < 50; at += 10) await writeOutboxAs(db.pool, entries(50, 5).slice(at, at + 10));
    const publisher = new RecordingPublisher();
    const relay = new CrashBeforeMarkRelay({ pool: db.pool, publisher, batchSize: 20 });
    await expect(relay.publishRound()).rejects.toThrow('simulated crash');
    // The crashed round took whole packed rows until it had at least 20 messages; all of them go out again.
    const firstRound = publisher.published.length;
    expect(firstRound).toBeGreaterThanOrEqual(20);
    await relay.drain();
    expect(publisher.published).toHaveLength(50 + firstRound);
    expect(new Set(publisher.published.map((p) => sequenceOf(p.message))).size).toBe(50);

    const processor = new ExactlyOnceProcessor<number>({
      pool: db.pool,
      groupId: 'downstream',
      service: 'test',
      decode: (m) => ({ kind: 'ok', value: Number(m.value?.toString()) }),
      apply: async (ctx) => {
        await ctx.tx.query(
          `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
          [ctx.records.map((r) => r.value)],
        );
      },
    });
    const consumed: InboundMessage[] = publisher.published.map(({ topic, message }, offset) => ({
      topic,
      partition: 0,
      offset: String(offset),
      key: Buffer.from(String(message.key)),
      value: Buffer.from(String(message.value)),
      headers: { [MessageHeaders.sequence]: sequenceOf(message) },
      timestamp: '0',
    }));
    const batch: ConsumedBatch = {
      groupId: 'downstream',
      topic: 'out',
      partition: 0,
      highWatermark: '70',
      messages: consumed,
      heartbeat: async () => undefined,
    };
    const outcome = await processor.handleBatch(batch);
    expect(outcome.ok).toBe(50);
    expect(outcome.duplicate).toBe(20);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n, max(times) AS max FROM applied');
    expect(rows[0]).toEqual({ n: 50, max: 1 });
  });
});
