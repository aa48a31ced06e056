import { decode, TOPIC_SPECS, Topics, type ProfileChange } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { createTestSchema, createTestTopics, eventually, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { AppModule } from '../app.module';
import { MergerHarness } from './merger-harness';

/** What a test file gets from useMergerStack; the fields are set once its beforeAll has run. */
export interface MergerStack {
  service: RunningService;
  harness: MergerHarness;
  /** Every cdp.profiles.changed message so far, in arrival order. */
  readonly changes: ProfileChange[];
  waitForChange(match: (change: ProfileChange) => boolean, timeoutMs?: number): Promise<ProfileChange>;
}

/**
 * The merger on its own broker and schema, fed through MergerHarness and tailed on cdp.profiles.changed, with the
 * priorities the tests assume (crm 1; web 5, plan 1 at field level) and EUR reporting unless `seeded` is false:
 * started before the calling file's tests (beforeAll), stopped after them.
 */
export function useMergerStack(schemaPrefix: string, { seeded = true }: { seeded?: boolean } = {}): MergerStack {
  let schema: TestSchema | undefined;
  let broker: TestBroker | undefined;
  let tail: Consumer | undefined;
  const changes: ProfileChange[] = [];
  const stack = {
    changes,
    waitForChange: (match: (change: ProfileChange) => boolean, timeoutMs = 20_000) =>
      eventually(() => changes.find(match), timeoutMs, 'a matching profile change'),
  } as MergerStack;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema(schemaPrefix);
    stack.service = await startServiceForTest(AppModule, 'profile-merger', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
    stack.harness = new MergerHarness(broker.brokers, stack.service.url);
    await stack.harness.start();
    tail = new Kafka({ clientId: 'merger-test-tail', brokers: broker.brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: 'merger-test-tail',
    });
    await tail.connect();
    await tail.subscribe({ topic: Topics.ProfilesChanged, fromBeginning: true });
    await tail.run({ eachMessage: async ({ message }) => void changes.push(decode(Topics.ProfilesChanged, message.value as Buffer)) });
    if (!seeded) return;
    expect((await stack.harness.admin('PUT', '/v1/priorities/sources/crm', { priority: 1 })).status).toBe(200);
    expect((await stack.harness.admin('PUT', '/v1/priorities/sources/web', { priority: 5, fields: { plan: 1 } })).status).toBe(200);
    // The fixtures' orders are in EUR: reported in EUR, revenueTotal is their plain sum.
    expect((await stack.harness.admin('PUT', '/v1/currency-rates', { reportingCurrency: 'EUR', rates: [] })).status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await tail?.disconnect();
    await stack.harness?.stop();
    await stack.service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  return stack;
}
