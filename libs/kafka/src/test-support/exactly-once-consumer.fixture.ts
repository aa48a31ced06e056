/**
 * Child process for the kill -9 test: consumes IN_TOPIC with BatchConsumerRunner + ExactlyOnceProcessor,
 * counts each number in `applied` and emits one outbox row per number. Prints "batch" after each committed
 * slice so the parent can kill it mid-stream; SIGTERM stops it gracefully. KILL_AFTER_DB_COMMIT=n makes it
 * SIGKILL itself right after the n-th slice's transaction committed, before the Kafka offset commit.
 */
import { Registry } from 'prom-client';
import { BatchConsumerRunner } from '../batch-consumer-runner';
import { ExactlyOnceProcessor } from '../exactly-once-processor';
import { createKafkaClient } from '../kafka-client.factory';
import { ok } from '../step-result';
import { fixturePool, requireEnv } from './fixture-env';

async function main(): Promise<void> {
  const pool = fixturePool();
  const slowMs = Number(process.env.SLOW_MS ?? '0');
  const killAfterDbCommit = Number(process.env.KILL_AFTER_DB_COMMIT ?? '0');
  let slices = 0;
  const processor = new ExactlyOnceProcessor<number>({
    pool,
    groupId: requireEnv('GROUP'),
    service: 'fixture',
    decode: (m) => ok(Number(m.value?.toString())),
    apply: async (ctx) => {
      const numbers = ctx.records.map((r) => r.value);
      await ctx.tx.query(
        `INSERT INTO applied (n, times) SELECT unnest($1::int[]), 1 ON CONFLICT (n) DO UPDATE SET times = applied.times + 1`,
        [numbers],
      );
      // Widens the window in which a kill lands between the state change and the commit.
      if (slowMs > 0) await ctx.tx.query('SELECT pg_sleep($1)', [slowMs / 1000]);
      for (const r of ctx.records) ctx.emit(requireEnv('OUT_TOPIC'), { key: r.message.key, value: String(r.value) });
    },
  });
  const runner = new BatchConsumerRunner({
    kafka: createKafkaClient({ clientId: 'fixture', brokers: requireEnv('BROKERS').split(',') }),
    groupId: requireEnv('GROUP'),
    topics: [requireEnv('IN_TOPIC')],
    service: 'fixture',
    registry: new Registry(),
    maxMessagesPerCall: 100,
    partitionsConsumedConcurrently: 3,
    sessionTimeoutMs: 2_500,
    rebalanceTimeoutMs: 5_000,
    heartbeatIntervalMs: 500,
    handler: async (batch) => {
      const outcome = await processor.handleBatch(batch);
      // The narrowest window: the database committed, the Kafka offset not yet. The redelivery must be skipped.
      if (++slices === killAfterDbCommit) process.kill(process.pid, 'SIGKILL');
      process.stdout.write(`batch ok=${outcome.ok} skipped=${outcome.skipped}\n`);
      return outcome;
    },
  });
  process.on('SIGTERM', () => {
    void runner
      .stop()
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
  await runner.start();
  process.stdout.write('started\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
