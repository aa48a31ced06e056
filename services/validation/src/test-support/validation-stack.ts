import { randomUUID } from 'node:crypto';
import { encode, Topics, type RawEvent, type RawRecord } from '@tessera/contracts';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  startTestBroker,
  TopicCollector,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { type Producer } from 'kafkajs';
import { AppModule } from '../app.module';
import { rawEvent } from './pipeline-samples.fixture';

const ADMIN = 'validation-test-admin-token';
const auth = { authorization: `Bearer ${ADMIN}` };

/**
 * The validation service on its own embedded broker and schema, with a producer onto its input topics and a
 * collector of its output topics: started before the calling file's tests (beforeAll), stopped after them. The
 * objects (`service`, `schema`, `producer`, `collector`) are set once that beforeAll has run; the functions may be
 * taken at once.
 */
export function useValidationStack() {
  let broker: TestBroker;
  const stack = {
    service: undefined as unknown as RunningService,
    schema: undefined as unknown as TestSchema,
    producer: undefined as unknown as Producer,
    collector: undefined as unknown as TopicCollector,

    /** Starts a validation process on the stack's schema and broker; it becomes `service` (close the old one first). */
    start: async (): Promise<RunningService> => {
      stack.service = await startServiceForTest(AppModule, 'validation', {
        databaseUrl: stack.schema.url,
        schema: stack.schema.schema,
        kafkaBrokers: broker.brokers.join(','),
        adminToken: ADMIN,
      });
      return stack.service;
    },
    send: async (events: RawEvent[]) => {
      await stack.producer.send({
        topic: Topics.EventsRaw,
        acks: -1,
        messages: events.map((e) => ({ key: e.userId ?? e.anonymousId ?? e.messageId, value: encode(Topics.EventsRaw, e) })),
      });
    },
    sendRecords: async (records: RawRecord[]) => {
      await stack.producer.send({
        topic: Topics.RecordsRaw,
        acks: -1,
        messages: records.map((r) => ({ key: `${r.sourceId}:${r.recordId}`, value: encode(Topics.RecordsRaw, r) })),
      });
    },
    api: async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
      const res = await fetch(`${stack.service.url}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    event: (overrides: Partial<RawEvent>) => rawEvent({ messageId: randomUUID(), receivedAt: Date.now(), ...overrides }),
    validFor: (sourceId: string, count = 1) => stack.collector.waitFor(Topics.EventsValid, (v) => v.sourceId === sourceId, count),
    rejectedFor: (sourceId: string, count = 1) => stack.collector.waitFor(Topics.EventsRejected, (v) => v.sourceId === sourceId, count),
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    stack.schema = await createTestSchema('validation_it');
    await createTestTopics(broker.brokers, [
      { topic: Topics.EventsRaw, numPartitions: 2 },
      Topics.RecordsRaw,
      Topics.EventsValid,
      Topics.RecordsValid,
      Topics.EventsRejected,
    ]);
    await stack.start();
    stack.producer = createTestProducer(broker.brokers, 'validation-test-producer');
    await stack.producer.connect();
    stack.collector = new TopicCollector(broker.brokers, [Topics.EventsValid, Topics.RecordsValid, Topics.EventsRejected]);
    await stack.collector.start();
  }, 60_000);

  afterAll(async () => {
    await stack.collector?.stop();
    await stack.producer?.disconnect();
    await stack.service?.close();
    await stack.schema?.drop();
    await broker?.stop();
  });

  return stack;
}
