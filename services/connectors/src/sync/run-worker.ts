import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { inTransaction } from '@tessera/kafka';
import type { Logger, Registry } from '@tessera/observability';
import { METRICS_REGISTRY, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { ConnectorCatalog } from '../catalog/connector-catalog';
import { CONNECTOR_CATALOG } from '../catalog/connector-catalog.token';
import { CONNECTOR_SETTINGS, type ConnectorSettings } from '../config/connector-settings';
import { PollLoop } from '../config/poll-loop';
import { ConnectionRepository } from '../connections/connection-repository';
import type { Run } from '../runs/run-repository';
import type { RunLease } from './checkpoint-writer';
import { RunLostError } from './run-lost.error';
import { syncMetrics, type SyncMetrics } from './metrics';
import { claimRuns, releaseLeases, renewLease } from './run-claims';
import { RunExecution } from './run-execution';
import { markFailed } from './run-finisher';

/**
 * Claims runs (queued, or left by a dead process) up to CONNECTORS_MAX_CONCURRENT_RUNS and executes each with a
 * lease: a heartbeat renews it every third of CONNECTORS_LEASE_MS and aborts the read when the run was cancelled or
 * taken over. A graceful stop aborts the reads (nothing after their last checkpoint is committed) and gives the
 * leases back.
 */
@Injectable()
export class RunWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly metrics: SyncMetrics;
  private readonly loop: PollLoop<void>;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(CONNECTOR_CATALOG) private readonly catalog: ConnectorCatalog,
    @Inject(CONNECTOR_SETTINGS) private readonly settings: ConnectorSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly connections: ConnectionRepository,
  ) {
    this.metrics = syncMetrics(registry);
    this.loop = new PollLoop(
      settings.pollMs,
      () => this.claim(),
      (err) => this.logger.warn({ err }, 'run claim failed; retrying on the next poll'),
    );
  }

  private get stopped(): boolean {
    return this.loop.isStopped;
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    for (const { abort } of this.active.values()) abort.abort(new Error('the service is stopping'));
    await Promise.all([...this.active.values()].map((a) => a.done));
    await releaseLeases(this.pool, this.owner).catch((err: unknown) => this.logger.warn({ err }, 'could not give run leases back'));
  }

  /** Claims and starts what is due now (tests and the API call it so a run starts without waiting for the poll). */
  poll(): Promise<void> {
    return this.loop.runOnce();
  }

  /** Stops a run this process executes (after a cancel), at once rather than at its next heartbeat. */
  abort(runId: string): void {
    this.active.get(runId)?.abort.abort(new Error('the run was cancelled'));
  }

  /** Resolves when this process is not executing the run (any more). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.done;
  }

  private async claim(): Promise<void> {
    const free = this.settings.maxConcurrentRuns - this.active.size;
    if (this.stopped || free <= 0) return;
    for (const run of await claimRuns(this.pool, this.owner, this.settings.leaseMs, free, [...this.active.keys()])) this.start(run);
  }

  private start(run: Run): void {
    const abort = new AbortController();
    const lease: RunLease = { runId: run.id, connectionId: run.connectionId, owner: this.owner, leaseMs: this.settings.leaseMs };
    const heartbeat = setInterval(
      () => {
        void renewLease(this.pool, run.id, this.owner, this.settings.leaseMs)
          .then((held) => (held ? undefined : abort.abort(new RunLostError(run.id))))
          .catch((err: unknown) => this.logger.warn({ err, runId: run.id }, 'lease renewal failed'));
      },
      Math.max(50, Math.floor(this.settings.leaseMs / 3)),
    );
    // A failure to record the outcome (the database went away) leaves the run leased: it resumes once the lease ends.
    const done = this.execute(run, lease, abort.signal)
      .catch((err: unknown) => this.logger.warn({ err, runId: run.id }, 'run outcome not recorded; it resumes after its lease'))
      .finally(() => {
        clearInterval(heartbeat);
        this.active.delete(run.id);
        this.metrics.active.set(this.active.size);
        if (!this.stopped) setImmediate(() => void this.poll());
      });
    this.active.set(run.id, { abort, done });
    this.metrics.active.set(this.active.size);
  }

  private async execute(run: Run, lease: RunLease, signal: AbortSignal): Promise<void> {
    let connector = 'unknown';
    try {
      const connection = await this.connections.getOrThrow(run.connectionId);
      connector = connection.connector;
      const found = this.catalog.find(connection.connector);
      if (!found) throw new Error(`the connector ${connection.connector} is not in this service's catalog`);
      await new RunExecution(run, connection, found, lease, signal, {
        pool: this.pool,
        logger: this.logger,
        metrics: this.metrics,
        maxUncheckpointedRecords: this.settings.maxUncheckpointedRecords,
        rowKeyCompactionMinimum: this.settings.rowKeyCompactionMinimum,
      }).execute();
      this.metrics.runs.inc({ connector, state: 'succeeded' });
    } catch (error) {
      if (
        this.stopped ||
        error instanceof RunLostError ||
        signal.reason instanceof RunLostError ||
        (signal.aborted && !(await this.stillOurs(lease)))
      ) {
        this.logger.info({ runId: run.id }, 'run stopped without committing further (cancelled, taken over, or the service is stopping)');
        if (!this.stopped) this.metrics.runs.inc({ connector, state: 'cancelled' });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ runId: run.id, err: error }, 'run failed');
      if (await inTransaction(this.pool, (tx) => markFailed(tx, lease, message))) this.metrics.runs.inc({ connector, state: 'failed' });
    }
  }

  private async stillOurs(lease: RunLease): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM runs WHERE run_id = $1 AND lease_owner = $2 AND state = 'running'`, [
      lease.runId,
      lease.owner,
    ]);
    return rows.length > 0;
  }
}
