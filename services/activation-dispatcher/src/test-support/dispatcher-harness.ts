import { encode, TOPIC_SPECS, Topics, type ProfileChangeInput, type SegmentMembershipChangeInput } from '@tessera/contracts';
import type { DeliveryItem } from '@tessera/destinations';
import { OffsetClock, type RunningService, startServiceForTest } from '@tessera/service-kit';
import {
  createTestProducer,
  createTestSchema,
  createTestTopics,
  startTestBroker,
  type TestBroker,
  type TestSchema,
} from '@tessera/testing';
import { type Producer } from 'kafkajs';
import { appModuleWithCatalog } from '../app.module';
import type { DeliverySettings } from '../delivery/delivery-settings';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { listingDestinationCatalog } from './listing-destination-catalog';
import { TEST_SIGNING_SECRET, TestReceiver } from './test-receiver';

export type JsonBody = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = 'test-admin-token';

export interface DeliveryRecord {
  delivery_id: string;
  destination_id: string;
  sync_id: string;
  profile_id: string;
  action: string;
  status: string;
  reason: string | null;
  payload: DeliveryItem;
}

/**
 * The dispatcher in-process on the embedded broker and a fresh schema, its inputs as a producer, delivering through
 * libs/destinations' real adapters to a local receiver (`listable` destinations can also list it).
 */
export class DispatcherHarness {
  broker!: TestBroker;
  schema!: TestSchema;
  service!: RunningService;
  receiver = new TestReceiver();
  private producer!: Producer;
  private readonly listing = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  private readonly states = new Map<
    string,
    { values: Record<string, unknown>; identifiers: Array<{ type: string; value: string }>; isTest: boolean }
  >();

  async start(schemaName: string, delivery: Partial<DeliverySettings> = {}): Promise<void> {
    this.broker = await startTestBroker();
    await createTestTopics(
      this.broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    this.schema = await createTestSchema(schemaName);
    await this.receiver.start();
    this.service = await startServiceForTest(
      appModuleWithCatalog(() => listingDestinationCatalog(this.listing), delivery),
      'activation-dispatcher',
      {
        databaseUrl: this.schema.url,
        schema: this.schema.schema,
        kafkaBrokers: this.broker.brokers.join(','),
        adminToken: ADMIN,
      },
    );
    this.producer = createTestProducer(this.broker.brokers, 'dispatcher-test');
    await this.producer.connect();
  }

  /**
   * Lets a Retry-After or backoff pass at once: waits until every pending delivery waits for a later attempt (none
   * leased, none due: moving the clock past a live lease, or past one a claim is taking now, would let another claim
   * send that batch again), moves the worker's clock forward, then polls.
   */
  async advanceClock(ms: number): Promise<void> {
    const clock = this.service.app.get(OffsetClock);
    await this.waitFor(
      async () =>
        (
          await this.schema.pool.query(
            `SELECT 1 FROM deliveries WHERE status = 'pending' AND (lease_token IS NOT NULL OR next_attempt_at <= to_timestamp($1))`,
            [clock.now() / 1000],
          )
        ).rowCount === 0,
      20_000,
      async () => 'a delivery stayed leased or due',
    );
    clock.advance(ms);
    await this.service.app.get(DeliveryWorker).runOnce();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
    await this.service?.close();
    await this.receiver.stop();
    await this.schema?.drop();
    await this.broker?.stop();
  }

  /** Publishes the profile's next version (a full snapshot, as the merger does); values include consent.<category>. */
  async profile(profileId: string, values: Record<string, unknown>, extra: Partial<ProfileChangeInput> = {}): Promise<number> {
    const version = this.bump(profileId);
    const identifiers = extra.identifiers ??
      this.states.get(profileId)?.identifiers ?? [{ type: 'email', value: `${profileId}@example.com` }];
    this.states.set(profileId, { values, identifiers, isTest: extra.isTest ?? false });
    const change: ProfileChangeInput = {
      profileId,
      version,
      status: 'active',
      changedFields: Object.keys(values),
      values: JSON.stringify(values),
      identifiers,
      changedAt: Date.now(),
      ...extra,
    };
    await this.producer.send({
      topic: Topics.ProfilesChanged,
      messages: [{ key: profileId, value: encode(Topics.ProfilesChanged, change) }],
    });
    return version;
  }

  /** Publishes an enter or exit carrying the profile's latest published state (as the evaluator does). */
  async membership(
    segmentId: string,
    profileId: string,
    change: 'entered' | 'exited',
    extra: Partial<SegmentMembershipChangeInput> = {},
  ): Promise<void> {
    const state = this.states.get(profileId) ?? {
      values: {},
      identifiers: [{ type: 'email', value: `${profileId}@example.com` }],
      isTest: false,
    };
    const message: SegmentMembershipChangeInput = {
      segmentId,
      profileId,
      change,
      version: this.versions.get(profileId) ?? 1,
      segmentVersion: 1,
      identifiers: state.identifiers,
      values: JSON.stringify(state.values),
      isTest: state.isTest,
      at: Date.now(),
      reason: null,
      ...extra,
    };
    await this.producer.send({
      topic: Topics.SegmentsMembership,
      messages: [{ key: profileId, value: encode(Topics.SegmentsMembership, message) }],
    });
  }

  async computed(profileId: string, values: Record<string, unknown>): Promise<void> {
    const message = { profileId, version: this.versions.get(profileId) ?? 1, at: Date.now(), changes: [], values: JSON.stringify(values) };
    await this.producer.send({
      topic: Topics.ProfilesComputed,
      messages: [{ key: profileId, value: encode(Topics.ProfilesComputed, message) }],
    });
  }

  async http(method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonBody }> {
    const res = await fetch(`${this.service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /**
   * A webhook destination at the local receiver, signing with TEST_SIGNING_SECRET; `extra` sets settings
   * (requiredConsent ...), `config` the webhook config; a `listable` one lists the receiver's audience for mirrors.
   */
  async webhook(id: string, extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}, listable = false): Promise<void> {
    if (listable) this.listing.set(id, `${this.receiver.url}/members`);
    const secrets = { signingSecret: TEST_SIGNING_SECRET, bearerToken: 'secret-token' };
    const res = await this.http('POST', '/v1/destinations', {
      id,
      name: id,
      kind: 'webhook',
      config: { url: `${this.receiver.url}/hook`, ...config },
      secrets,
      ...extra,
    });
    if (res.status !== 201) throw new Error(`destination ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async sync(id: string, segmentId: string, destinationId: string, mode: string, mapping: Record<string, string> = {}): Promise<JsonBody> {
    const res = await this.http('POST', '/v1/syncs', { id, segmentId, destinationId, mode, mapping });
    if (res.status !== 201) throw new Error(`sync ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Deliveries of one profile (or all), in enqueue order. */
  async deliveries(profileId?: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.schema.pool.query<DeliveryRecord>(
      'SELECT delivery_id, destination_id, sync_id, profile_id, action, status, reason, payload FROM deliveries WHERE ($1::text IS NULL OR profile_id = $1) ORDER BY seq',
      [profileId ?? null],
    );
    return rows;
  }

  /** `sync action status` lines of a profile's deliveries, in enqueue order. */
  async log(profileId: string): Promise<string[]> {
    return (await this.deliveries(profileId)).map((d) => `${d.sync_id} ${d.action} ${d.status}`);
  }

  async waitForLog(profileId: string, expected: string[], timeoutMs = 20_000): Promise<void> {
    await this.waitFor(
      async () => JSON.stringify(await this.log(profileId)) === JSON.stringify(expected),
      timeoutMs,
      async () => `${profileId}: expected ${JSON.stringify(expected)}, have ${JSON.stringify(await this.log(profileId))}`,
    );
  }

  /** Waits until the dispatcher has applied this version of the profile. */
  async waitForVersion(profileId: string, version: number, timeoutMs = 20_000): Promise<void> {
    await this.waitFor(
      async () => {
        const { rows } = await this.schema.pool.query<{ version: string }>('SELECT version FROM profiles WHERE profile_id = $1', [
          profileId,
        ]);
        return rows.length > 0 && Number(rows[0].version) >= version;
      },
      timeoutMs,
      async () => `the dispatcher never applied ${profileId} v${version}`,
    );
  }

  async waitFor(condition: () => Promise<boolean>, timeoutMs: number, describe: () => Promise<string>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(await describe());
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private bump(profileId: string): number {
    const version = (this.versions.get(profileId) ?? 0) + 1;
    this.versions.set(profileId, version);
    return version;
  }
}
