import type { DeliveryAction, DeliveryItem } from '@tessera/destinations';
import { OffsetClock, type RunningService, startServiceForTest } from '@tessera/service-kit';
import { createTestSchema, eventually, type TestSchema } from '@tessera/testing';
import type { DeliverySettings } from '../delivery/delivery-settings';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { deliveryTestModule } from './delivery-test.module';
import { TEST_SIGNING_SECRET } from './test-receiver';

export type JsonBody = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ADMIN = 'test-admin-token';
/** The read-only token the harness gives the service: admin-only routes refuse it. */
export const READ_TOKEN = 'test-read-token';

export interface TestDestination {
  /** A webhook's url (signed with TEST_SIGNING_SECRET); other kinds give `config` and `secrets`. */
  url?: string;
  /** 'webhook' unless a test wants another kind of libs/destinations (or one the catalog cannot build). */
  kind?: string;
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
  concurrency?: number;
  ratePerSecond?: number;
  maxAttempts?: number;
  maxAgeSeconds?: number;
  batchSize?: number;
}

export interface QueuedDelivery {
  profileId: string;
  deliveryId?: string;
  action?: DeliveryAction;
  /** Default: the profile id as user_id, and an email of its own per delivery (`<delivery id>@example.com`). */
  identifiers?: Record<string, string[]>;
}

/**
 * The delivery side in-process on a fresh schema. Destinations and deliveries are written as rows, the way the
 * destinations API and the membership consumer write them (act-core's side), so these tests need no broker.
 */
export class DeliveryHarness {
  schema!: TestSchema;
  service!: RunningService;
  clock!: OffsetClock;
  worker!: DeliveryWorker;
  private next = 0;

  /** Starts on a fresh schema; with `brokers`, Kafka (the outbox relay) too. */
  async start(schemaName: string, settings?: Partial<DeliverySettings>, brokers?: string[]): Promise<void> {
    this.schema = await createTestSchema(schemaName);
    this.service = await startServiceForTest(deliveryTestModule(settings, brokers !== undefined), 'activation-dispatcher', {
      databaseUrl: this.schema.url,
      schema: this.schema.schema,
      kafkaBrokers: brokers?.join(',') ?? '127.0.0.1:9',
      adminToken: ADMIN,
      readToken: READ_TOKEN,
    });
    this.clock = this.service.app.get(OffsetClock);
    this.worker = this.service.app.get(DeliveryWorker);
  }

  async stop(): Promise<void> {
    await this.service?.close();
    await this.schema?.drop();
  }

  async destination(id: string, d: TestDestination): Promise<void> {
    const config = d.config ?? { url: d.url, batchSize: d.batchSize ?? 100 };
    const secrets = d.secrets ?? { signingSecret: TEST_SIGNING_SECRET };
    await this.schema.pool.query(
      `INSERT INTO destinations (destination_id, name, kind, config, secrets, concurrency, rate_per_second, max_attempts, max_age_seconds, batch_size)
       VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        d.kind ?? 'webhook',
        JSON.stringify(config),
        JSON.stringify(secrets),
        d.concurrency ?? 4,
        d.ratePerSecond ?? null,
        d.maxAttempts ?? 20,
        d.maxAgeSeconds ?? 86_400,
        d.batchSize ?? 100,
      ],
    );
  }

  /** Queues deliveries in the given order (their seq follows it); answers their ids. */
  async enqueue(destinationId: string, deliveries: QueuedDelivery[]): Promise<string[]> {
    const items: DeliveryItem[] = deliveries.map((d) => {
      const deliveryId = d.deliveryId ?? `${destinationId}-${d.profileId}-${++this.next}`;
      const identifiers = d.identifiers ?? { user_id: [d.profileId], email: [`${deliveryId}@example.com`] };
      return {
        deliveryId,
        profileId: d.profileId,
        action: d.action ?? 'add',
        segmentId: 'seg',
        syncId: 'sync',
        occurredAt: new Date().toISOString(),
        identifiers,
        fields: {},
      };
    });
    await this.schema.pool.query(
      `INSERT INTO deliveries (delivery_id, destination_id, sync_id, profile_id, segment_id, action, payload)
       SELECT u.id, $1, 'sync', u.profile, 'seg', u.action, u.payload FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS u(id, profile, action, payload, n)
        ORDER BY u.n`,
      [
        destinationId,
        items.map((i) => i.deliveryId),
        items.map((i) => i.profileId),
        items.map((i) => i.action),
        items.map((i) => JSON.stringify(i)),
      ],
    );
    return items.map((i) => i.deliveryId);
  }

  async row(deliveryId: string): Promise<JsonBody> {
    return (await this.schema.pool.query('SELECT * FROM deliveries WHERE delivery_id = $1', [deliveryId])).rows[0];
  }

  async attempts(deliveryId: string): Promise<JsonBody[]> {
    return (await this.schema.pool.query('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [deliveryId])).rows;
  }

  /** Waits until every given delivery has the status. */
  async waitForStatus(ids: string[], status: string, timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.schema.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM deliveries WHERE delivery_id = ANY($1::text[]) AND status = $2',
          [ids, status],
        );
        return rows[0].n === ids.length ? true : undefined;
      },
      timeoutMs,
      `${ids.length} deliveries ${status}`,
    );
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
}
