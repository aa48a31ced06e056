import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DestinationCatalog, DestinationKind } from '@tessera/destinations';
import type { Logger, Registry } from '@tessera/observability';
import { METRICS_REGISTRY, OffsetClock, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { DESTINATION_CATALOG } from '../catalog/destination-catalog.token';
import { DeliveryClaimRepository } from './delivery-claim.repository';
import { DeliveryOutcomeRepository } from './delivery-outcome.repository';
import { DELIVERY_SETTINGS, type DeliverySettings } from './delivery-settings';
import { DestinationLane, type LaneDeps } from './destination-lane';
import { deliveryMetrics } from './metrics';

interface DestinationRow {
  destination_id: string;
  kind: DestinationKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  concurrency: number;
  rate_per_second: number | null;
  max_attempts: number;
  max_age_seconds: number;
  batch_size: number;
  version: string;
  due: boolean;
}

/**
 * Runs one DestinationLane per live destination. Every `pollMs` one query lists the destinations with whether each has
 * due work: new or edited destinations get a (new) lane, deleted ones lose theirs, lanes with due work are woken. A
 * destination whose adapter cannot be built (bad config) gets no lane; its deliveries wait and its status says why.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lanes = new Map<string, DestinationLane>();
  private readonly broken = new Map<string, { version: string; error: string }>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly deps: LaneDeps;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private depthRefreshedAt = 0;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(DESTINATION_CATALOG) private readonly catalog: DestinationCatalog,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    claims: DeliveryClaimRepository,
    outcomes: DeliveryOutcomeRepository,
    clock: OffsetClock,
  ) {
    this.deps = { claims, outcomes, clock, settings, metrics: deliveryMetrics(registry), logger };
  }

  onApplicationBootstrap(): void {
    // The first poll at once: deliveries left due by a restart go out now, not pollMs later.
    void this.runOnce().finally(() => this.schedule());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.lanes.values()].map((lane) => lane.stop(true)));
    await Promise.all([...this.retiring]);
    this.lanes.clear();
  }

  /** The lane of a destination on this replica, if it runs one (breaker state, batches in flight). */
  lane(destinationId: string): DestinationLane | undefined {
    return this.lanes.get(destinationId);
  }

  /** Why a destination has no lane (its adapter could not be built), if that is the case. */
  laneError(destinationId: string): string | undefined {
    return this.broken.get(destinationId)?.error;
  }

  /** Wakes a destination's lane now (after queueing or replaying deliveries) rather than at the next poll. */
  wake(destinationId: string): void {
    const lane = this.lanes.get(destinationId);
    if (lane) lane.wake();
    // No lane here yet (a destination created since the last poll): a poll now builds it and wakes it.
    else if (!this.broken.has(destinationId) && !this.stopped) void this.runOnce();
  }

  /** One poll; concurrent calls share the one in flight. Tests call it after moving the clock. */
  runOnce(): Promise<void> {
    this.running ??= this.poll()
      .catch((err: unknown) => this.logger.warn({ err }, 'delivery poll failed; retrying on the next one'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async poll(): Promise<void> {
    const now = this.deps.clock.now() / 1000;
    const { rows } = await this.pool.query<DestinationRow>(
      `SELECT d.destination_id, d.kind, d.config, d.secrets, d.concurrency, d.rate_per_second, d.max_attempts, d.max_age_seconds,
              d.batch_size, d.updated_at::text AS version,
              EXISTS (SELECT 1 FROM deliveries x
                       WHERE x.destination_id = d.destination_id AND x.status = 'pending' AND x.next_attempt_at <= to_timestamp($1)
                         AND (x.lease_until IS NULL OR x.lease_until <= to_timestamp($1))) AS due
         FROM destinations d WHERE d.deleted_at IS NULL`,
      [now],
    );
    if (this.stopped) return;
    const live = new Set(rows.map((r) => r.destination_id));
    for (const [id, lane] of this.lanes) if (!live.has(id)) this.retire(id, lane);
    for (const id of this.broken.keys()) if (!live.has(id)) this.broken.delete(id);
    for (const row of rows) {
      const lane = this.laneFor(row);
      if (lane && row.due) lane.wake();
    }
    await this.housekeeping();
  }

  private laneFor(row: DestinationRow): DestinationLane | undefined {
    const current = this.lanes.get(row.destination_id);
    if (current?.destination.version === row.version) return current;
    if (this.broken.get(row.destination_id)?.version === row.version) return undefined;
    if (current) this.retire(row.destination_id, current);
    try {
      const adapter = this.catalog.create({ destinationId: row.destination_id, kind: row.kind, config: row.config, secrets: row.secrets });
      const lane = new DestinationLane(
        {
          destinationId: row.destination_id,
          version: row.version,
          concurrency: row.concurrency,
          ratePerSecond: row.rate_per_second,
          batchSize: Math.max(1, Math.min(adapter.maxBatchSize, row.batch_size)),
          limits: { maxAttempts: row.max_attempts, maxAgeMs: row.max_age_seconds * 1000 },
        },
        adapter,
        this.deps,
      );
      this.broken.delete(row.destination_id);
      this.lanes.set(row.destination_id, lane);
      return lane;
    } catch (err) {
      const error = `the ${row.kind} adapter could not be built: ${err instanceof Error ? err.message : String(err)}`;
      this.broken.set(row.destination_id, { version: row.version, error });
      this.logger.warn({ destinationId: row.destination_id, err }, 'destination has no delivery lane');
      return undefined;
    }
  }

  /** An edited or deleted destination's lane stops claiming; its sends in flight still record their outcomes. */
  private retire(destinationId: string, lane: DestinationLane): void {
    this.lanes.delete(destinationId);
    const stopping = lane.stop(false).finally(() => this.retiring.delete(stopping));
    this.retiring.add(stopping);
  }

  /** Every queueDepthRefreshMs: deliveries past their max age to the DLQ, then the queue-depth gauge. */
  private async housekeeping(): Promise<void> {
    if (Date.now() - this.depthRefreshedAt < this.settings.queueDepthRefreshMs) return;
    this.depthRefreshedAt = Date.now();
    for (const { destinationId, expired } of await this.deps.outcomes.expireOverAge(this.deps.clock.now())) {
      this.deps.metrics.failed.inc({ destination: destinationId, status: 'dead' }, expired);
    }
    const { rows } = await this.pool.query<{ destination_id: string; n: number }>(
      `SELECT d.destination_id, (SELECT count(*)::int FROM deliveries x WHERE x.destination_id = d.destination_id AND x.status = 'pending') AS n
         FROM destinations d WHERE d.deleted_at IS NULL`,
    );
    this.deps.metrics.queueDepth.reset();
    for (const r of rows) this.deps.metrics.queueDepth.set({ destination: r.destination_id }, r.n);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runOnce().finally(() => this.schedule()), this.settings.pollMs);
    this.timer.unref();
  }
}
