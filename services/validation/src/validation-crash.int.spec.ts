import { encode, Topics } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  ServiceChildProcess,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { AppModule } from './app.module';
import { rawEvent } from './test-support/pipeline-samples.fixture';
import { eventually, TopicCollector } from '@tessera/testing';

const N = 3_000;

/**
 * kill -9 of a validation process in the middle of a stream, then a new one on the same schema: every event is
 * accepted exactly once (report counters, dedupe keys), none is counted as a duplicate of itself, and every
 * messageId reaches cdp.events.valid (a republished copy carries the same tessera-seq, which consumers skip).
 * The child's consumer has a short session (ServiceChildProcess), so the new instance gets the partitions seconds
 * after the kill.
 */
describe('validation under kill -9 (embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let service: RunningService | undefined;
  let collector: TopicCollector;

  const accepted = async () =>
    Number(
      (
        await schema.pool
          .query('SELECT coalesce(sum(events_accepted), 0) AS n FROM input_quality_daily')
          .catch(() => ({ rows: [{ n: 0 }] }))
      ).rows[0].n,
    );

  beforeAll(async () => {
    broker = await startTestBroker();
    schema = await createTestSchema('validation_crash');
    await createTestTopics(broker.brokers, [
      { topic: Topics.EventsRaw, numPartitions: 3 },
      Topics.RecordsRaw,
      { topic: Topics.EventsValid, numPartitions: 3 },
      Topics.RecordsValid,
      Topics.EventsRejected,
    ]);
    collector = new TopicCollector(broker.brokers, [Topics.EventsValid]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await service?.close();
    await collector?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  it('accepts every event exactly once across a SIGKILL and a restart', async () => {
    const producer = createTestProducer(broker.brokers, 'crash-producer');
    await producer.connect();
    const now = Date.now();
    for (let start = 0; start < N; start += 1_000) {
      await producer.send({
        topic: Topics.EventsRaw,
        acks: -1,
        messages: Array.from({ length: 1_000 }, (_, j) => {
          const event = rawEvent({
            messageId: `crash-${start + j}`,
            userId: `u-${(start + j) % 97}`,
            receivedAt: now,
            properties: JSON.stringify({ n: start + j }),
          });
          return { key: event.userId, value: encode(Topics.EventsRaw, event) };
        }),
      });
    }
    await producer.disconnect();

    // Slices of 100 (the default is 2,000): the kill must land mid-stream, with transactions still to come.
    const child = await ServiceChildProcess.launch({
      service: 'validation',
      database: schema,
      brokers: broker.brokers,
      env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100' },
    });
    await eventually(
      async () => {
        if (child.exitStatus) throw new Error(`validation exited early: ${child.output()}`);
        return (await accepted()) > 0 ? true : undefined;
      },
      60_000,
      'the first applied slice',
    );
    await child.kill('SIGKILL');
    const beforeRestart = await accepted();

    service = await startServiceForTest(AppModule, 'validation', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
      logLevel: 'error',
    });
    await eventually(async () => ((await accepted()) >= N ? true : undefined), 60_000, `${N} accepted events`);
    await collector.waitFor(Topics.EventsValid, (v) => v.messageId.startsWith('crash-'), N, 60_000);
    await new Promise((r) => setTimeout(r, 500));

    const totals = (
      await schema.pool.query('SELECT sum(events_accepted)::int AS accepted, sum(duplicates)::int AS duplicates FROM input_quality_daily')
    ).rows[0];
    const keys = (await schema.pool.query('SELECT count(*)::int AS n FROM dedupe_keys')).rows[0].n;
    expect({ ...totals, keys }).toEqual({ accepted: N, duplicates: 0, keys: N });
    const copies = new Map<string, Set<string>>();
    for (const m of collector.all(Topics.EventsValid)) {
      const ids = copies.get(m.value.messageId) ?? new Set<string>();
      ids.add(m.headers['tessera-seq']);
      copies.set(m.value.messageId, ids);
    }
    expect(copies.size).toBe(N);
    // A copy published twice by the relay (killed between the broker's ack and its DELETE) keeps its sequence.
    expect([...copies.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(beforeRestart).toBeLessThanOrEqual(N);
  }, 150_000);
});
