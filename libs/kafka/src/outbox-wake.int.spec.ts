import { createTestSchema, eventually, type TestSchema } from '@tessera/testing';
import type { PoolClient } from 'pg';
import type { ConsumedBatch } from './consumed-batch';
import { ExactlyOnceProcessor } from './exactly-once-processor';
import { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-rows';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-writer';
import type { SqlExecutor } from './sql-client';
import { installKafkaTables } from './test-support/kafka-test-schema';
import { RecordingPublisher } from './test-support/recording-publisher';

/** Counts its rounds' claims (each one tries the schema's relay lock first). */
class CountingRelay extends OutboxRelay {
  claims = 0;

  protected override claim(tx: SqlExecutor): Promise<OutboxRow[]> {
    this.claims += 1;
    return super.claim(tx);
  }
}

/** A consumer whose every message becomes one outgoing message. */
function forwardingProcessor(db: TestSchema): ExactlyOnceProcessor<string> {
  return new ExactlyOnceProcessor<string>({
    pool: db.pool,
    groupId: 'wake',
    service: 'test',
    decode: (m) => ({ kind: 'ok', value: String(m.value) }),
    apply: async (ctx) => {
      for (const r of ctx.records) ctx.emit('out', { key: r.value, value: r.value });
    },
  });
}

function batchOf(values: string[], firstOffset = 0): ConsumedBatch {
  return {
    groupId: 'wake',
    topic: 'in',
    partition: 0,
    highWatermark: String(firstOffset + values.length),
    messages: values.map((v, i) => ({
      topic: 'in',
      partition: 0,
      offset: String(firstOffset + i),
      key: Buffer.from(v),
      value: Buffer.from(v),
      headers: {},
      timestamp: '0',
    })),
    heartbeat: async () => undefined,
  };
}

describe("a consumer's commit wakes its process's relay (Postgres)", () => {
  let db: TestSchema;
  let relay: CountingRelay;
  const publisher = new RecordingPublisher();

  beforeEach(async () => {
    db = await createTestSchema('kafka');
    await installKafkaTables(db.pool);
    publisher.published.length = 0;
    // a poll far beyond the test: only a wake-up can make it publish
    relay = new CountingRelay({ pool: db.pool, publisher, pollIntervalMs: 600_000 });
    await relay.start();
  });

  afterEach(async () => {
    await relay.stop();
    await db.drop();
  });

  it('publishes at once, and the transaction sends no NOTIFY (its COMMIT would take the cluster-wide notify lock)', async () => {
    const listener = await db.pool.connect();
    const heard: string[] = [];
    // the channel is shared by every schema of the test database: this schema's own payload is the one to watch
    listener.on('notification', (n) => {
      if (n.payload === db.schema || n.payload === 'sentinel') heard.push(String(n.payload));
    });
    try {
      await listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      await forwardingProcessor(db).handleBatch(batchOf(['a', 'b', 'c']));
      await eventually(() => publisher.published.length === 3, 5_000, 'the three messages published');
      // notifications arrive in commit order: once this one is heard, any from the consumer's commit would have been
      await db.pool.query(`SELECT pg_notify($1, 'sentinel')`, [OUTBOX_NOTIFY_CHANNEL]);
      await eventually(() => heard.includes('sentinel'), 5_000, 'the sentinel');
      expect(heard).toEqual(['sentinel']);
    } finally {
      await listener.query(`UNLISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
      listener.release();
    }
  });

  it('a relay woken while another holds the outbox lock looks again soon, not at its next poll', async () => {
    // another replica's relay in its round: the schema's relay lock held by a transaction
    const holder: PoolClient = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('tessera_outbox:' || current_schema()))`);
      const before = relay.claims;
      await forwardingProcessor(db).handleBatch(batchOf(['x']));
      // woken, it found the lock held, and tried again (twice, to be sure it is not the wake-up's own round)
      await eventually(() => relay.claims >= before + 2, 5_000, 'the relay trying again');
      expect(publisher.published).toHaveLength(0);
      await holder.query('COMMIT');
      await eventually(() => publisher.published.length === 1, 5_000, 'the message published after the lock was released');
    } finally {
      holder.release();
    }
  });
});
