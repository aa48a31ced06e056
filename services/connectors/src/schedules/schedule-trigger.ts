import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { inTransaction } from '@tessera/kafka';
import type { Logger } from '@tessera/observability';
import { OffsetClock, SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { CONNECTOR_SETTINGS, type ConnectorSettings } from '../config/connector-settings';
import { PollLoop } from '../config/poll-loop';
import type { StreamSettings } from '../connections/stream-plan';
import { queueRun } from '../runs/run-repository';
import { RunWorker } from '../sync/run-worker';
import { nextRunAt, type Schedule } from './schedule';

const CONNECTIONS_PER_ROUND = 50;

interface DueRow {
  connection_id: string;
  streams: StreamSettings[];
  schedule: Schedule;
  timezone: string;
}

/**
 * Starts the scheduled runs that are due. One transaction per round locks the due connections (FOR UPDATE SKIP
 * LOCKED: replicas share the work, never a connection), queues one run for each that has none active (a run still
 * going makes the due time pass without a second one: runs never overlap) and moves next_run_at to the first
 * instant after now. So after downtime a connection that missed several runs runs once.
 */
@Injectable()
export class ScheduleTrigger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollLoop<number>;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    @Inject(CONNECTOR_SETTINGS) settings: ConnectorSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly clock: OffsetClock,
    private readonly worker: RunWorker,
  ) {
    this.loop = new PollLoop(
      settings.pollMs,
      () => this.rounds(),
      (err) => {
        this.logger.warn({ err }, 'schedule round failed; retrying on the next poll');
        return 0;
      },
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Queues every due scheduled run (at the clock's now); resolves to how many were queued. */
  runDue(): Promise<number> {
    return this.loop.runOnce();
  }

  private async rounds(): Promise<number> {
    let queued = 0;
    for (;;) {
      const round = await this.round(this.clock.now());
      if (round === null) break;
      queued += round;
    }
    if (queued > 0) void this.worker.poll();
    return queued;
  }

  private round(now: number): Promise<number | null> {
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<DueRow>(
        `SELECT connection_id, streams, schedule, timezone FROM connections
          WHERE enabled AND next_run_at IS NOT NULL AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [new Date(now), CONNECTIONS_PER_ROUND],
      );
      if (rows.length === 0) return null;
      let queued = 0;
      for (const row of rows) {
        const run = await queueRun(
          tx,
          randomUUID(),
          row.connection_id,
          row.streams.map((s) => s.name),
          false,
          'schedule',
        );
        if (run) queued++;
        else this.logger.info({ connectionId: row.connection_id }, 'scheduled run skipped: the previous run is still active');
        await tx.query('UPDATE connections SET next_run_at = $2 WHERE connection_id = $1', [
          row.connection_id,
          new Date(nextRunAt(row.schedule, row.timezone, now)),
        ]);
      }
      return queued;
    });
  }
}
