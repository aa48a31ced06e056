import { createTestSchema, createTestTopics, startTestBroker, type TestBroker } from '@tessera/testing';
import { GatewayHarness, RAW_TOPICS, basicAuth, type CreatedSource } from './gateway-harness';
import { TopicTail } from './topic-tail';

export interface TrackingGateway {
  gateway: GatewayHarness;
  /** Everything the gateway produced to the raw topics. */
  tail: TopicTail;
  /** A source created through the admin API, and the Basic auth header of its write key. */
  web: CreatedSource;
  auth: Record<string, string>;
}

/**
 * A suite's gateway on its own embedded broker and schema (the dev key `dev-write-key-for-tests` works too), set
 * up in beforeAll and stopped in afterAll; the returned object is filled in once beforeAll has run.
 */
export function useTrackingGateway(): TrackingGateway {
  const env = {} as TrackingGateway;
  let broker: TestBroker | undefined;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(broker.brokers, RAW_TOPICS);
    env.gateway = await new GatewayHarness(broker.brokers, await createTestSchema('ingest_gateway')).start({
      TESSERA_DEV_WRITE_KEY: 'dev-write-key-for-tests',
      INGEST_SOURCE_CACHE_TTL_MS: '60000',
    });
    env.tail = new TopicTail();
    await env.tail.start(broker.brokers);
    env.web = await env.gateway.createSource('web app');
    env.auth = { authorization: basicAuth(env.web.writeKey) };
  });

  afterAll(async () => {
    await env.tail?.stop();
    await env.gateway?.stop();
    await broker?.stop();
  });

  return env;
}
