import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@tessera/observability';
import { SERVICE_LOGGER, SERVICE_PG_POOL } from '@tessera/service-kit';
import type { Pool } from 'pg';
import { MirrorService, type MirrorReport } from './mirror.service';

const POLL_MS = 5_000;

/**
 * Runs the mirror of every sync with a schedule_seconds once it is due. A sync is claimed by moving its
 * last_mirrored_at under SKIP LOCKED, so several instances never run one sync's diff at the same time.
 */
@Injectable()
export class MirrorScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MirrorReport[]> | undefined;
  private stopped = false;

  constructor(
    @Inject(SERVICE_PG_POOL) private readonly pool: Pool,
    private readonly mirrors: MirrorService,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the due syncs; concurrent calls share the pass in flight. */
  runDue(): Promise<MirrorReport[]> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<MirrorReport[]> {
    const reports: MirrorReport[] = [];
    try {
      const { rows } = await this.pool.query<{ sync_id: string }>(
        `UPDATE syncs SET last_mirrored_at = now() WHERE sync_id IN (
           SELECT sync_id FROM syncs
            WHERE schedule_seconds IS NOT NULL AND enabled AND deleted_at IS NULL
              AND (last_mirrored_at IS NULL OR last_mirrored_at + schedule_seconds * interval '1 second' <= now())
            ORDER BY sync_id LIMIT 20 FOR UPDATE SKIP LOCKED)
         RETURNING sync_id`,
      );
      for (const { sync_id } of rows) {
        try {
          reports.push(await this.mirrors.run(sync_id));
        } catch (err) {
          this.logger.warn({ err, syncId: sync_id }, 'scheduled mirror failed; retrying at its next due time');
        }
      }
    } catch (err) {
      this.logger.warn({ err }, 'mirror scheduler pass failed; retrying on the next poll');
    }
    return reports;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runDue().finally(() => this.schedule()), POLL_MS);
    this.timer.unref();
  }
}
