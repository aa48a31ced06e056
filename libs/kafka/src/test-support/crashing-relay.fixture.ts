/**
 * Child process for the relay crash test: publishes one outbox round, then kills itself with SIGKILL after the
 * broker acknowledged and before the rows are deleted, the window that makes consumers dedupe on the outbox sequence.
 */
import type { OutboxRow } from '../outbox-rows';
import { BatchingProducer } from '../batching-producer';
import { createKafkaClient } from '../kafka-client.factory';
import { OutboxRelay } from '../outbox-relay';
import { fixturePool, requireEnv } from './fixture-env';

class KilledAfterPublishRelay extends OutboxRelay {
  protected override async markPublished(_tx: unknown, rows: readonly OutboxRow[]): Promise<void> {
    process.stdout.write(`published ${rows.reduce((sum, row) => sum + row.message_count, 0)}\n`);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined);
  }
}

async function main(): Promise<void> {
  const producer = new BatchingProducer({
    kafka: createKafkaClient({ clientId: 'relay-fixture', brokers: requireEnv('BROKERS').split(',') }),
  });
  await producer.connect();
  const relay = new KilledAfterPublishRelay({ pool: fixturePool(), publisher: producer, batchSize: Number(requireEnv('BATCH_SIZE')) });
  await relay.publishRound();
  throw new Error('the round published nothing');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
