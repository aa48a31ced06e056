import {
  encode,
  TOPIC_SPECS,
  Topics,
  type IdentityChangeInput,
  type ProfileChangeInput,
  type ResolvedCommerceInput,
  type ResolvedItemInput,
} from '@tessera/contracts';
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
import { SegmentClock } from '../config/segment-clock';
import { SegmentWorkLoop } from '../scheduler/segment-work.loop';

export type JsonBody = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = 'test-admin-token';
/** The read-only token, configured so tests can show the evaluator refuses it (every route is admin only). */
export const READ_TOKEN = 'test-read-token';

/** The evaluator in-process on the embedded broker and a fresh schema, its inputs as a producer, its output collected. */
export class EvaluatorHarness {
  broker!: TestBroker;
  schema!: TestSchema;
  service!: RunningService;
  collector!: TopicCollector;
  clock!: SegmentClock;
  private producer!: Producer;
  private versions = new Map<string, number>();

  async start(schemaName: string, at: number): Promise<void> {
    this.broker = await startTestBroker();
    await createTestTopics(
      this.broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    this.schema = await createTestSchema(schemaName);
    this.service = await startServiceForTest(AppModule, 'segment-evaluator', {
      databaseUrl: this.schema.url,
      schema: this.schema.schema,
      kafkaBrokers: this.broker.brokers.join(','),
      adminToken: ADMIN,
      readToken: READ_TOKEN,
    });
    this.clock = this.service.app.get(SegmentClock);
    this.clock.set(at);
    this.producer = createTestProducer(this.broker.brokers, 'evaluator-test');
    await this.producer.connect();
    this.collector = new TopicCollector(this.broker.brokers, [Topics.SegmentsMembership, Topics.ProfilesComputed]);
    await this.collector.start();
  }

  async stop(): Promise<void> {
    await this.collector?.stop();
    await this.producer?.disconnect();
    await this.service?.close();
    await this.schema?.drop();
    await this.broker?.stop();
  }

  /** Publishes the profile's next version with these values (a full snapshot, as the merger does). */
  async profile(profileId: string, values: Record<string, unknown>, extra: Partial<ProfileChangeInput> = {}): Promise<void> {
    const version = (this.versions.get(profileId) ?? 0) + 1;
    this.versions.set(profileId, version);
    const change: ProfileChangeInput = {
      profileId,
      version,
      status: 'active',
      changedFields: Object.keys(values),
      values: JSON.stringify(values),
      identifiers: [{ type: 'user_id', value: profileId }],
      changedAt: this.clock.now(),
      ...extra,
    };
    await this.producer.send({
      topic: Topics.ProfilesChanged,
      messages: [{ key: profileId, value: encode(Topics.ProfilesChanged, change) }],
    });
  }

  /** A resolved track event; `commerce` as validation marks an order or a refund. */
  async track(
    profileId: string,
    messageId: string,
    event: string,
    at: number,
    properties: Record<string, unknown> = {},
    commerce?: ResolvedCommerceInput,
  ): Promise<void> {
    const item: ResolvedItemInput = {
      profileId,
      kind: 'event',
      messageId,
      sourceId: 'web',
      occurredAt: at,
      identifiers: [],
      resolvedAt: at,
      event: { type: 'track', event, receivedAt: at, properties: JSON.stringify(properties), commerce },
    };
    await this.producer.send({ topic: Topics.EventsResolved, messages: [{ key: profileId, value: encode(Topics.EventsResolved, item) }] });
  }

  /** Publishes a change of the identity graph (a split, as the identity resolver writes it). */
  async identityChange(change: IdentityChangeInput): Promise<void> {
    await this.producer.send({
      topic: Topics.IdentityMerges,
      messages: [{ key: change.survivorProfileId, value: encode(Topics.IdentityMerges, change) }],
    });
  }

  async http(method: string, path: string, body?: unknown, token = ADMIN): Promise<{ status: number; body: JsonBody }> {
    const res = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Waits until the evaluator has applied some version of the profile (it answers its segments). */
  async waitForDecided(profileId: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.http('GET', `/v1/profiles/${profileId}/segments`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the evaluator never saw ${profileId}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Moves the clock to `at` and runs one pass of due timers and backfills (the loop would within a poll). */
  async clockTo(at: number): Promise<void> {
    this.clock.set(at);
    await this.service.app.get(SegmentWorkLoop).runOnce();
  }

  /** Membership messages of one profile, as "entered seg" / "exited seg", in arrival order. */
  changes(profileId: string): string[] {
    return this.collector
      .all(Topics.SegmentsMembership)
      .filter((m) => m.value.profileId === profileId)
      .map((m) => `${m.value.change} ${m.value.segmentId}`);
  }

  async waitForChanges(profileId: string, expected: string[], timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.changes(profileId).length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (JSON.stringify(this.changes(profileId)) !== JSON.stringify(expected))
      throw new Error(`${profileId}: expected ${JSON.stringify(expected)}, have ${JSON.stringify(this.changes(profileId))}`);
  }
}
