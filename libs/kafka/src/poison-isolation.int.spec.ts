import { createTestSchema, type TestSchema } from '@tessera/testing';
import { decode, Topics } from '@tessera/contracts';
import type { ApplyContext } from './apply-context';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { MessageHeaders } from './message-headers';
import { readOutboxMessages } from './outbox-rows';
import { ok } from './step-result';
import type { SqlPool } from './sql-client';
import { installKafkaTables } from './test-support/kafka-test-schema';

/**
 * A slice in which a few messages make the handler throw (as a statement failing on one row would): the processor
 * finds them by bisection. Each poison message reaches the DLQ alone, every other message is applied exactly once,
 * and the number of transactions grows with k log n, not with n.
 */
describe('ExactlyOnceProcessor isolates poison messages by bisection (Postgres)', () => {
  let db: TestSchema;
  let transactions: number;
  let pool: SqlPool;

  beforeEach(async () => {
    db = await createTestSchema('kafka_poison');
    await installKafkaTables(db.pool, ['CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)']);
    transactions = 0;
    // Every transaction takes one connection: counting connects counts transactions (the real client is handed out).
    pool = { connect: () => ((transactions += 1), db.pool.connect()) };
  });

  afterEach(async () => {
    await db.drop();
  });

  const message = (n: number): InboundMessage => ({
    topic: 'in',
    partition: 0,
    offset: String(n),
    key: null,
    value: Buffer.from(String(n)),
    headers: {},
    timestamp: '0',
  });
  const batch = (messages: InboundMessage[]): ConsumedBatch => ({
    groupId: 'g',
    topic: 'in',
    partition: 0,
    highWatermark: String(messages.length),
    messages,
    heartbeat: async () => undefined,
  });

  function processor(poison: ReadonlySet<number>): ExactlyOnceProcessor<number> {
    return new ExactlyOnceProcessor<number>({
      pool,
      groupId: 'g',
      service: 'test',
      decode: (m) => ok(Number(m.value!.toString())),
      apply: async (ctx: ApplyContext<number>) => {
        const values = ctx.records.map((r) => r.value);
        await ctx.tx.query(
          'INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1',
          [values],
        );
        const bad = values.find((n) => poison.has(n));
        if (bad !== undefined) throw new RangeError(`poison value ${bad}`);
        for (const record of ctx.records) ctx.emit('out', { key: null, value: String(record.value) });
      },
    });
  }

  async function check(n: number, poison: number[]): Promise<void> {
    const outcome = await processor(new Set(poison)).handleBatch(batch(Array.from({ length: n }, (_, i) => message(i))));
    expect(outcome).toEqual({ ok: n - poison.length, dlq: poison.length, drop: 0, skipped: 0, duplicate: 0 });

    const applied = (await db.pool.query<{ n: number; times: number }>('SELECT n, times FROM applied ORDER BY n')).rows;
    expect(applied.map((r) => r.n)).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => !poison.includes(i)));
    expect(applied.every((r) => r.times === 1)).toBe(true);

    const outbox = await readOutboxMessages(db.pool);
    const rejected = outbox.filter((m) => m.topic === Topics.EventsRejected);
    expect(rejected.map((m) => Number(m.headers[MessageHeaders.dlqSourceOffset]))).toEqual([...poison].sort((a, b) => a - b));
    for (const m of rejected)
      expect(decode(Topics.EventsRejected, m.value!)).toMatchObject({
        reason: 'processing_error',
        detail: `poison value ${m.headers[MessageHeaders.dlqSourceOffset]}`,
      });
    // Valid output: each message once.
    expect(
      outbox
        .filter((m) => m.topic === 'out')
        .map((m) => Number(m.value!.toString()))
        .sort((a, b) => a - b),
    ).toEqual(applied.map((r) => r.n));
    const { rows } = await db.pool.query<{ next_offset: string }>('SELECT next_offset FROM kafka_consumer_offsets');
    expect(rows).toEqual([{ next_offset: String(n) }]);

    // The failed slice, then at most two halves per poison per level, then one DLQ transaction per poison.
    const bound = 1 + poison.length * (2 * Math.ceil(Math.log2(n)) + 1);
    expect(transactions).toBeLessThanOrEqual(bound);
  }

  it('1 poison message in 1,000: isolated in at most 22 transactions, not 1,000', async () => {
    await check(1000, [613]);
    expect(transactions).toBeLessThan(25);
  });

  it('10 poison messages (1 %) spread over 1,000: O(k log n) transactions', async () => {
    await check(1000, [3, 101, 250, 251, 400, 555, 700, 702, 888, 999]);
    expect(transactions).toBeLessThan(220);
  });

  it('poison at both ends and a single-message slice', async () => {
    await check(64, [0, 63]);
    await db.pool.query('TRUNCATE applied, kafka_outbox_batches, kafka_consumer_offsets');
    transactions = 0;
    await check(1, [0]);
    expect(transactions).toBe(2);
  });
});
