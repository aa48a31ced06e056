import { createTestSchema, type TestSchema } from '@tessera/testing';
import { decode, Topics } from '@tessera/contracts';
import type { ApplyContext } from './apply-context';
import type { ConsumedBatch, InboundMessage } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { MessageHeaders } from './message-headers';
import { readOutboxMessages } from './outbox-rows';
import { dlq, ok, type StepResult } from './step-result';
import { installKafkaTables } from './test-support/kafka-test-schema';

const APPLIED_DDL = 'CREATE TABLE applied (n integer PRIMARY KEY, times integer NOT NULL)';

function message(offset: number, value: string | Buffer, headers: Record<string, string> = {}): InboundMessage {
  return {
    topic: 'in',
    partition: 0,
    offset: String(offset),
    key: Buffer.from(`k${offset % 3}`),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    headers,
    timestamp: String(1_700_000_000_000 + offset),
  };
}

function batch(messages: InboundMessage[]): ConsumedBatch {
  return { groupId: 'g', topic: 'in', partition: 0, highWatermark: '1000', messages, heartbeat: async () => undefined };
}

function range(from: number, to: number, headers?: (n: number) => Record<string, string>): InboundMessage[] {
  const out: InboundMessage[] = [];
  for (let n = from; n < to; n++) out.push(message(n, String(n), headers?.(n)));
  return out;
}

/** Decodes "<n>" as a number; anything else is undecodable. */
function decodeNumber(m: InboundMessage): StepResult<number> {
  const text = m.value?.toString() ?? '';
  if (!/^\d+$/.test(text)) throw new Error(`not a number: ${JSON.stringify(text)}`);
  return ok(Number(text));
}

async function applyNumbers(ctx: ApplyContext<number>): Promise<void> {
  const accepted: number[] = [];
  for (const record of ctx.records) {
    const n = ctx.route(record, record.value % 100 === 13 ? dlq('invalid_record', 'unlucky number', 'value') : ok(record.value));
    if (n === undefined) continue;
    accepted.push(n);
    ctx.emit('out', { key: record.message.key, value: String(n * 10) });
  }
  await ctx.tx.query(
    `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1
     ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
    [accepted],
  );
}

describe('ExactlyOnceProcessor (Postgres)', () => {
  let db: TestSchema;

  beforeEach(async () => {
    db = await createTestSchema('kafka');
    await installKafkaTables(db.pool, [APPLIED_DDL]);
  });

  afterEach(async () => {
    await db.drop();
  });

  function processor(apply = applyNumbers): ExactlyOnceProcessor<number> {
    return new ExactlyOnceProcessor<number>({ pool: db.pool, groupId: 'g', service: 'test', decode: decodeNumber, apply });
  }

  async function appliedRows(): Promise<{ n: number; times: number }[]> {
    return (await db.pool.query('SELECT n, times FROM applied ORDER BY n')).rows;
  }

  it('applies a batch once, writes the outbox and the offset in the same transaction, and skips a redelivery', async () => {
    const p = processor();
    const first = await p.handleBatch(batch(range(0, 10)));
    expect(first).toEqual({ ok: 10, dlq: 0, drop: 0, skipped: 0, duplicate: 0 });
    // Redelivery overlapping what was applied: only the new tail applies.
    const second = await p.handleBatch(batch(range(5, 15)));
    expect(second).toEqual({ ok: 4, dlq: 1, drop: 0, skipped: 5, duplicate: 0 });
    const rows = await appliedRows();
    expect(rows.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
    expect(rows.every((r) => r.times === 1)).toBe(true);
    const offsets = await db.pool.query('SELECT next_offset FROM kafka_consumer_offsets WHERE group_id = $1', ['g']);
    expect(offsets.rows).toEqual([{ next_offset: '15' }]);
    const outbox = await readOutboxMessages(db.pool);
    const perTopic = outbox.reduce<Record<string, number>>((counts, m) => ({ ...counts, [m.topic]: (counts[m.topic] ?? 0) + 1 }), {});
    expect(perTopic).toEqual({ 'cdp.events.rejected': 1, out: 14 });
  });

  it('applies a message without a sequence header at a new offset again: only relayed copies are duplicates', async () => {
    const p = processor();
    await p.handleBatch(batch(range(0, 5)));
    // The same bytes at new offsets (a direct producer that sent twice): the runtime cannot tell them from new
    // messages; a consumer whose input may repeat so dedupes by its own key (validation: source and messageId).
    for (const offset of [5, 6])
      expect(await p.handleBatch(batch([message(offset, '3')]))).toEqual({ ok: 1, dlq: 0, drop: 0, skipped: 0, duplicate: 0 });
    expect((await appliedRows()).find((r) => r.n === 3)?.times).toBe(3);
  });

  it('dead-letters undecodable bytes with the original message and lets the rest of the batch through', async () => {
    const p = processor();
    const poison = message(1, Buffer.from([0xc3, 0x01, 0xff]));
    const outcome = await p.handleBatch(batch([message(0, '0'), poison, message(2, '2')]));
    expect(outcome).toEqual({ ok: 2, dlq: 1, drop: 0, skipped: 0, duplicate: 0 });
    const rows = (await readOutboxMessages(db.pool)).filter((m) => m.topic === 'cdp.events.rejected');
    expect(rows).toHaveLength(1);
    expect(rows[0].headers[MessageHeaders.dlqReason]).toBe('undecodable');
    expect(rows[0].headers[MessageHeaders.dlqSourceOffset]).toBe('1');
    const rejection = decode(Topics.EventsRejected, rows[0].value!);
    expect(rejection.reason).toBe('undecodable');
    expect(rejection.detail).toContain('not a number');
    expect(Buffer.from(rejection.original.value)).toEqual(poison.value);
  });

  it('isolates a message the handler throws on, dead-letters it alone, and applies the rest', async () => {
    const p = processor(async (ctx) => {
      if (ctx.records.some((r) => r.value === 7)) throw new TypeError('cannot read properties of undefined');
      await applyNumbers(ctx);
    });
    const outcome = await p.handleBatch(batch(range(0, 10)));
    expect(outcome).toEqual({ ok: 9, dlq: 1, drop: 0, skipped: 0, duplicate: 0 });
    expect((await appliedRows()).map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    const rows = (await readOutboxMessages(db.pool)).filter((m) => m.topic === 'cdp.events.rejected');
    expect(rows.map((r) => [r.headers[MessageHeaders.dlqReason], r.headers[MessageHeaders.dlqSourceOffset]])).toEqual([
      ['processing_error', '7'],
    ]);
  });

  it('runs afterCommit effects once per committed transaction: not for a batch that rolled back and was isolated', async () => {
    const counted: number[] = [];
    const p = processor(async (ctx) => {
      ctx.afterCommit(() => counted.push(...ctx.records.map((r) => r.value)));
      if (ctx.records.some((r) => r.value === 7)) throw new TypeError('cannot read properties of undefined');
      await applyNumbers(ctx);
    });
    await p.handleBatch(batch(range(0, 10)));
    // The whole batch rolled back (its effect never ran); each message then committed alone, 7 as a DLQ record
    // without the handler, so 7 is not counted.
    expect(counted).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    await p.handleBatch(batch(range(0, 10)));
    expect(counted).toHaveLength(9); // a redelivery of committed offsets runs nothing
  });

  it('rethrows infrastructure errors without committing anything, so the batch is retried', async () => {
    let fail = true;
    const p = processor(async (ctx) => {
      await applyNumbers(ctx);
      if (fail) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    await expect(p.handleBatch(batch(range(0, 5)))).rejects.toThrow('could not serialize');
    expect(await appliedRows()).toEqual([]);
    expect(await readOutboxMessages(db.pool)).toEqual([]);
    fail = false;
    expect((await p.handleBatch(batch(range(0, 5)))).ok).toBe(5);
  });

  it('fences a zombie: two instances handling the same partition concurrently apply each message once', async () => {
    const slowApply = async (ctx: ApplyContext<number>) => {
      await ctx.tx.query('SELECT pg_sleep(0.2)');
      await applyNumbers(ctx);
    };
    const a = processor(slowApply);
    const b = processor(slowApply);
    const [ra, rb] = await Promise.all([a.handleBatch(batch(range(0, 20))), b.handleBatch(batch(range(10, 30)))]);
    // 30 distinct messages, 13 is dead-lettered; the overlap 10..19 is applied by whichever instance locked first.
    expect([ra.ok + rb.ok, ra.dlq + rb.dlq, ra.skipped + rb.skipped]).toEqual([29, 1, 10]);
    const rows = await appliedRows();
    expect(rows.every((r) => r.times === 1)).toBe(true);
    expect(rows).toHaveLength(29);
  });

  it('falls back to a raw DLQ record when the envelope cannot be encoded, so poison still moves on', async () => {
    const p = new ExactlyOnceProcessor<number>({
      pool: db.pool,
      groupId: 'g',
      service: 'test',
      decode: decodeNumber,
      apply: applyNumbers,
      encodeDlq: () => {
        throw new Error('envelope broken');
      },
    });
    const outcome = await p.handleBatch(batch([message(0, 'zero'), message(1, '1')]));
    expect(outcome).toMatchObject({ ok: 1, dlq: 1 });
    const rows = (await readOutboxMessages(db.pool)).filter((m) => m.topic === 'cdp.events.rejected');
    expect(rows[0].value?.toString()).toBe('zero');
    expect(rows[0].headers[MessageHeaders.dlqEnvelopeError]).toBe('envelope broken');
  });

  it('writes the sequence marks, the offset advance and the outbox in one statement: five round trips besides the handler', async () => {
    const statements: string[] = [];
    const counting = {
      connect: async () => {
        const client = await db.pool.connect();
        const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
        return Object.assign(client, {
          query: (...args: unknown[]) => {
            const first = args[0] as string | { text: string };
            statements.push(typeof first === 'string' ? first : first.text);
            return query(...args);
          },
        });
      },
    };
    const p = new ExactlyOnceProcessor<number>({
      pool: counting,
      groupId: 'g',
      service: 'test',
      decode: decodeNumber,
      apply: applyNumbers,
    });
    const relayed = (n: number) => ({ [MessageHeaders.sequence]: `origin-a:c:up:in:0:${n + 1}` });
    await p.handleBatch(batch(range(0, 5, relayed)));
    // BEGIN, fence lock, marks read, the handler's one INSERT, the marks + offset + outbox statement, COMMIT.
    expect(statements).toHaveLength(6);
    expect(await appliedRows()).toHaveLength(5);
    const marks = await db.pool.query('SELECT lane, last_pos FROM kafka_inbox_sequences');
    expect(marks.rows).toEqual([{ lane: 'c:up:in:0', last_pos: '5' }]);
    const offsets = await db.pool.query('SELECT next_offset FROM kafka_consumer_offsets WHERE group_id = $1', ['g']);
    expect(offsets.rows).toEqual([{ next_offset: '5' }]);
    expect(await readOutboxMessages(db.pool)).toHaveLength(5);
  });
});
