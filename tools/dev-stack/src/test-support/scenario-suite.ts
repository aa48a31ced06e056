import type { TestSchema } from '@tessera/testing';
import { ScenarioClient, type Json } from './scenario-client';
import { ScenarioPipeline, type OptionalServiceName, type PipelineServiceName } from './scenario-pipeline';

export const SCENARIO_ADMIN_TOKEN = 'scenario-admin-token-0123456789';
export const SCENARIO_READ_TOKEN = 'scenario-read-token-0123456789';
export const SCENARIO_DEV_WRITE_KEY = 'scenario-dev-write-key';

export interface ScenarioSuite {
  /** Talks to the running pipeline through its public HTTP APIs. */
  client: ScenarioClient;
  /** A Segment call (track, identify, batch...) with the dev source's write key. */
  send(call: string, body: Json): Promise<void>;
  /** A running service's base URL (for services the client has no methods for, e.g. the segment evaluator). */
  url(name: PipelineServiceName): string;
  /** A running service's own schema (a pool on it), for seeding rows its API cannot take yet. */
  schema(name: PipelineServiceName): TestSchema;
  /** The embedded broker's addresses (e.g. to publish as the connectors service does). */
  brokers(): string[];
}

/**
 * Boots one pipeline for the calling test file (beforeAll) and stops it after (afterAll); every scenario of the
 * file shares it, each with its own people.
 */
export function useScenarioPipeline(options: { withServices?: readonly OptionalServiceName[] } = {}): ScenarioSuite {
  const pipeline = new ScenarioPipeline({
    adminToken: SCENARIO_ADMIN_TOKEN,
    readToken: SCENARIO_READ_TOKEN,
    devWriteKey: SCENARIO_DEV_WRITE_KEY,
    withServices: options.withServices,
  });
  const client = new ScenarioClient(
    () => ({
      gateway: pipeline.url('ingest-gateway'),
      validation: pipeline.url('validation'),
      resolver: pipeline.url('identity-resolver'),
      merger: pipeline.url('profile-merger'),
    }),
    SCENARIO_ADMIN_TOKEN,
    SCENARIO_READ_TOKEN,
  );
  beforeAll(() => pipeline.start(), 150_000);
  afterAll(() => pipeline.stop(), 60_000);
  return {
    client,
    send: (call, body) => client.send(SCENARIO_DEV_WRITE_KEY, call, body),
    url: (name) => pipeline.url(name),
    schema: (name) => pipeline.schema(name),
    brokers: () => pipeline.brokers(),
  };
}

/** Event time `seconds` after `base`, as a Segment client sends it. */
export const timeAfter =
  (base: number) =>
  (seconds: number): string =>
    new Date(base + seconds * 1000).toISOString();

/** A profile's identifiers as sorted `type:value` strings. */
export const identifiersOf = (profile: Json): string[] =>
  profile.identifiers.map((i: { type: string; value: string }) => `${i.type}:${i.value}`).sort();

/** How many times the profile saw an event name (undefined: never). */
export const eventCount = (profile: Json, name: string): number | undefined => profile.summary.eventCounts[name]?.count;
