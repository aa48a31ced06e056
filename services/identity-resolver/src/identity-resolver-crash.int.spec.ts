import { encode, Topics, type ValidEvent } from '@tessera/contracts';
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
import { eventually, TopicCollector } from '@tessera/testing';
import { validEvent } from './test-support/valid-input.fixture';

const PEOPLE = 600;

/** Five events per person, keyed to different partitions: browse on two devices, then log in on each (a merge). */
function personEvents(p: number): ValidEvent[] {
  return [
    validEvent({ messageId: `crash-${p}-0`, anonymousId: `a-${p}`, context: JSON.stringify({ device: { id: `dev-${p}` } }) }),
    validEvent({ messageId: `crash-${p}-1`, anonymousId: `a-${p}` }),
    validEvent({ messageId: `crash-${p}-2`, anonymousId: `b-${p}` }),
    validEvent({
      messageId: `crash-${p}-3`,
      type: 'identify',
      event: null,
      userId: `u-${p}`,
      anonymousId: `a-${p}`,
      traits: JSON.stringify({ email: `p${p}@example.com` }),
    }),
    validEvent({ messageId: `crash-${p}-4`, type: 'identify', event: null, userId: `u-${p}`, anonymousId: `b-${p}` }),
  ];
}

/**
 * kill -9 of a resolver process in the middle of a stream, then a new one on the same schema: every item is
 * resolved exactly once, the graph ends with exactly one profile per person, and every messageId reaches
 * cdp.events.resolved with one outbox sequence (tessera-seq). The child's consumer has a short session (ServiceChildProcess), so the
 * restarted instance gets the partitions seconds after the kill.
 */
describe('identity-resolver under kill -9 (embedded broker and Postgres)', () => {
  let broker: TestBroker;
  let schema: TestSchema;
  let service: RunningService | undefined;
  let collector: TopicCollector;

  const resolvedCount = async () =>
    Number((await schema.pool.query('SELECT count(*)::int AS n FROM resolved_items').catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);

  beforeAll(async () => {
    broker = await startTestBroker();
    schema = await createTestSchema('identity_crash');
    await createTestTopics(broker.brokers, [
      { topic: Topics.EventsValid, numPartitions: 3 },
      Topics.RecordsValid,
      { topic: Topics.EventsResolved, numPartitions: 3 },
      Topics.IdentityMerges,
      Topics.EventsRejected,
    ]);
    collector = new TopicCollector(broker.brokers, [Topics.EventsResolved]);
    await collector.start();
  }, 60_000);

  afterAll(async () => {
    await ServiceChildProcess.killAll();
    await service?.close();
    await collector?.stop();
    await schema?.drop();
    await broker?.stop();
  });

  it('resolves every item exactly once across a SIGKILL and a restart, into one profile per person', async () => {
    const events = Array.from({ length: PEOPLE }, (_, p) => personEvents(p)).flat();
    const producer = createTestProducer(broker.brokers, 'identity-crash-producer');
    await producer.connect();
    for (let start = 0; start < events.length; start += 1_000) {
      await producer.send({
        topic: Topics.EventsValid,
        acks: -1,
        messages: events.slice(start, start + 1_000).map((e) => ({ key: e.userId ?? e.anonymousId, value: encode(Topics.EventsValid, e) })),
      });
    }
    await producer.disconnect();

    // Slices of 100 (the default is 2,000): the kill must land mid-stream, with transactions still to come.
    const child = await ServiceChildProcess.launch({
      service: 'identity-resolver',
      database: schema,
      brokers: broker.brokers,
      env: { KAFKA_CONSUMER_SLICE_MESSAGES: '100' },
    });
    await eventually(
      async () => {
        if (child.exitStatus) throw new Error(`identity-resolver exited early: ${child.output()}`);
        return (await resolvedCount()) > 0 ? true : undefined;
      },
      60_000,
      'the first applied slice',
    );
    await child.kill('SIGKILL');
    const beforeRestart = await resolvedCount();

    service = await startServiceForTest(AppModule, 'identity-resolver', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
      logLevel: 'error',
    });
    await eventually(async () => ((await resolvedCount()) >= events.length ? true : undefined), 90_000, `${events.length} resolved items`);
    await collector.waitFor(Topics.EventsResolved, (v) => v.messageId.startsWith('crash-'), events.length, 60_000);
    await new Promise((r) => setTimeout(r, 500));

    const graph = (
      await schema.pool.query(`SELECT
         (SELECT count(*)::int FROM resolved_items) AS items,
         (SELECT count(*)::int FROM profiles WHERE merged_into IS NULL) AS live,
         (SELECT count(DISTINCT profile_id)::int FROM identifiers) AS owners,
         (SELECT count(*)::int FROM identifiers) AS identifiers`)
    ).rows[0];
    // Per person: a-p, b-p, dev-p, u-p, email, email_sha256.
    expect(graph).toEqual({ items: events.length, live: PEOPLE, owners: PEOPLE, identifiers: PEOPLE * 6 });
    const { rows: split } = await schema.pool.query(
      `SELECT value FROM identifiers i WHERE identifier_type = 'user_id'
         AND (SELECT count(*) FROM identifiers j WHERE j.profile_id = i.profile_id) <> 6`,
    );
    expect(split).toEqual([]);

    const copies = new Map<string, Set<string>>();
    for (const m of collector.all(Topics.EventsResolved)) {
      const ids = copies.get(m.value.messageId) ?? new Set<string>();
      ids.add(m.headers['tessera-seq']);
      copies.set(m.value.messageId, ids);
    }
    expect(copies.size).toBe(events.length);
    expect(beforeRestart).toBeGreaterThan(0);
    expect(beforeRestart).toBeLessThan(events.length); // the kill really landed mid-stream
    expect([...copies.values()].every((ids) => ids.size === 1)).toBe(true);
  }, 200_000);
});
